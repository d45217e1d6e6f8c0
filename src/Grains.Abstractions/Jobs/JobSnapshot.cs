namespace AdManager.Grains.Abstractions.Jobs;

/// <summary>Progress counters of a job, summed over all entities.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.JobProgress")]
public sealed record JobProgress(
    [property: Id(0)] double Percent,
    [property: Id(1)] long RecordsRead,
    [property: Id(2)] long RecordsRejected,
    [property: Id(3)] long RecordsSkipped,
    [property: Id(4)] long RecordsSuperseded,
    [property: Id(5)] long RecordsLoaded,
    [property: Id(6)] long RecordsVerified,
    [property: Id(7)] int BatchesTotal,
    [property: Id(8)] int BatchesCompleted,
    [property: Id(9)] double RecordsPerSecond);

/// <summary>One status a job passed through, and when.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.StatusChange")]
public sealed record StatusChange(
    [property: Id(0)] JobStatus Status,
    [property: Id(1)] DateTimeOffset At);

/// <summary>A running job going back to its checkpoint after a store fault, until it moves forward again.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.JobRetry")]
public sealed record JobRetry(
    [property: Id(0)] int Attempt,
    [property: Id(1)] int Budget,
    [property: Id(2)] string Cause,
    [property: Id(3)] DateTimeOffset Since);

/// <summary>What the API shows of a job (step 6 of the sequence diagram).</summary>
[GenerateSerializer, Immutable, Alias("AdManager.JobSnapshot")]
public sealed record JobSnapshot(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] JobStatus Status,
    [property: Id(2)] JobConfig Config,
    [property: Id(3)] JobProgress Progress,
    [property: Id(4)] DateTimeOffset SubmittedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] DateTimeOffset? CompletedAt,
    [property: Id(7)] bool HasReport,
    [property: Id(8)] string? Error,
    [property: Id(9)] string? SubmittedBy,
    [property: Id(10)] IReadOnlyList<StatusChange> History,
    [property: Id(11)] string? Host = null,
    [property: Id(12)] Guid? WaitingFor = null,
    [property: Id(13)] JobRetry? Retrying = null);
