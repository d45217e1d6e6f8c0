using System.Collections;
using Microsoft.Extensions.Logging;

namespace AdManager.Grains.Telemetry;

/// <summary>
/// The logging scope of a job's work: <c>JobId</c> and <c>Phase</c> on every line logged while it is active
/// (the JSON console formatter writes them as fields). <see cref="Phase"/> follows the job as it moves on,
/// so one scope covers a whole run; batch work adds a <see cref="BatchLogScope"/> inside it.
/// </summary>
public sealed class JobLogScope(Guid jobId, string phase) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public Guid JobId => jobId;

    public string Phase { get; set; } = phase;

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("JobId", jobId),
        1 => new("Phase", Phase),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"JobId:{jobId} Phase:{Phase}";
}

/// <summary>One batch of one entity: <c>Entity</c> and <c>BatchNo</c>, nested in a job's scope (or carrying the job itself, in a loader).</summary>
public sealed class BatchLogScope(Guid? jobId, string entity, int batchNo) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => jobId is null ? 2 : 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Entity", entity),
        1 => new("BatchNo", batchNo),
        2 when jobId is not null => new("JobId", jobId),
        3 when jobId is not null => new("Phase", "Loading"),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => jobId is null ? $"Entity:{entity} BatchNo:{batchNo}" : $"JobId:{jobId} Phase:Loading Entity:{entity} BatchNo:{batchNo}";
}

public static class LogScopes
{
    /// <summary>A scope for one batch in the job's own flow (the job scope around it has the job id).</summary>
    public static IDisposable? BeginBatch(this ILogger logger, string entity, int batchNo) =>
        logger.BeginScope(new BatchLogScope(null, entity, batchNo));

    /// <summary>A scope for a batch handled outside the job grain (a loader): job id and phase included.</summary>
    public static IDisposable? BeginBatch(this ILogger logger, Guid jobId, string entity, int batchNo) =>
        logger.BeginScope(new BatchLogScope(jobId, entity, batchNo));
}
