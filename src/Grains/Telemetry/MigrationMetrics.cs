using System.Diagnostics.Metrics;
using AdManager.Grains.Abstractions.Loading;

namespace AdManager.Grains.Telemetry;

/// <summary>
/// The pipeline's own instruments, on the <see cref="MeterName"/> meter. Counters count work done: a job
/// resumed after a silo stopped reads an entity again and counts it again; the job's report counts records.
/// Tags stay low-cardinality (entity, reason code, outcome, store, status), never a job id.
/// </summary>
public sealed class MigrationMetrics
{
    public const string MeterName = "AdManager.Migration";

    private readonly Counter<long> _read;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _loaded;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _throttled;
    private readonly Histogram<double> _jobDuration;

    // The jobs this silo runs, each saying what it does now (running, waiting for an earlier job, retrying a store fault).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Func<string>> _active = new();

    public MigrationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("admanager.migration.jobs.active", ActiveJobs, "{job}",
            "Jobs this silo runs now, by what they do: running, waiting (for an earlier overlapping job), retrying (a store fault)");
        _read = meter.CreateCounter<long>("admanager.migration.records.read", "{record}", "Records read from the source");
        _rejected = meter.CreateCounter<long>("admanager.migration.records.rejected", "{record}", "Records rejected, by reason code");
        _loaded = meter.CreateCounter<long>("admanager.migration.records.loaded", "{record}", "Records written to the targets");
        _batchDuration = meter.CreateHistogram<double>("admanager.migration.batch.duration", "s",
            "Time from sending a batch to its loader until its result", advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            });
        _retries = meter.CreateCounter<long>("admanager.migration.store.retries", "{retry}", "Requests to a store sent again after a transient refusal");
        _throttled = meter.CreateCounter<long>("admanager.migration.store.throttled", "{item}", "Items a store handed back unprocessed (throttling)");
        _jobDuration = meter.CreateHistogram<double>("admanager.migration.job.duration", "s",
            "Time from submission to the final status", advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 43200, 86400],
            });
    }

    /// <summary>Counts the job among those this silo runs until <see cref="JobStopped"/>; <paramref name="activity"/> says what it does.</summary>
    public void JobRunning(Guid jobId, Func<string> activity) => _active[jobId] = activity;

    public void JobStopped(Guid jobId) => _active.TryRemove(jobId, out _);

    private IEnumerable<Measurement<long>> ActiveJobs()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal) { ["running"] = 0, ["waiting"] = 0, ["retrying"] = 0 };
        foreach (var activity in _active.Values)
        {
            var what = activity();
            counts[what] = counts.GetValueOrDefault(what) + 1;
        }
        return counts.Select(c => new Measurement<long>(c.Value, new KeyValuePair<string, object?>("state", c.Key)));
    }

    public void RecordsRead(string entity, long count) => _read.Add(count, new KeyValuePair<string, object?>("entity", entity));

    public void RecordsRejected(string entity, string reason, long count) =>
        _rejected.Add(count, new KeyValuePair<string, object?>("entity", entity), new KeyValuePair<string, object?>("reason", reason));

    public void RecordsLoaded(string entity, long count) => _loaded.Add(count, new KeyValuePair<string, object?>("entity", entity));

    /// <summary>A loader call's round trip (one batch, or a run of batches merged from staging in one statement); the outcome is the loader's answer, <c>failed</c> when the call itself failed (null status).</summary>
    public void BatchCompleted(string entity, BatchStatus? status, TimeSpan elapsed) =>
        _batchDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("entity", entity), new KeyValuePair<string, object?>("outcome", Outcome(status)));

    private static string Outcome(BatchStatus? status) => status switch
    {
        BatchStatus.Succeeded => "succeeded",
        BatchStatus.PartiallyFailed => "partially_failed",
        _ => "failed",
    };

    public void Retried(string store, string operation) =>
        _retries.Add(1, new KeyValuePair<string, object?>("store", store), new KeyValuePair<string, object?>("operation", operation));

    public void Throttled(string store, long items) => _throttled.Add(items, new KeyValuePair<string, object?>("store", store));

    /// <summary>A job reached its final status (<c>Completed</c>, <c>CompletedWithErrors</c>, <c>Failed</c>, <c>Cancelled</c>).</summary>
    public void JobFinished(string status, TimeSpan duration) =>
        _jobDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status));
}
