using System.ComponentModel.DataAnnotations;

namespace AdManager.Grains.Jobs;

/// <summary>How jobs run.</summary>
public sealed class JobRunOptions
{
    public const string Section = "Jobs";

    /// <summary>Period of the reminder that starts or resumes a job whose event or host was lost (Orleans' minimum is 1 minute).</summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Batches of one job in flight at once (for PostgreSQL targets, see <see cref="MergeConcurrency"/>).</summary>
    [Range(1, 64)]
    public int LoadConcurrency { get; set; } = 4;

    /// <summary>
    /// Merges of one job into a PostgreSQL target in flight at once. Each is one CPU-bound statement on the server, and
    /// merges of one job insert next to each other in the same indexes, so more of them than the server has cores to give
    /// only contend: on the 2-core machine two merges load 8-20% faster than four.
    /// </summary>
    [Range(1, 64)]
    public int MergeConcurrency { get; set; } = 2;

    /// <summary>
    /// Rows per loader call for entities stored in PostgreSQL, which loaders merge straight from staging: that
    /// many rows' worth of consecutive batches go in one statement (checkpointed together), because per-call
    /// overhead, not rows, dominates a set-based merge. At least one batch per call.
    /// </summary>
    [Range(1, 10_000_000)]
    public int StagedRowsPerCall { get; set; } = 20_000;

    /// <summary>At most this many batches per second for one job (0: no limit), so one big job cannot flood a target.</summary>
    [Range(0, 100_000)]
    public double MaxBatchesPerSecond { get; set; }

    /// <summary>
    /// How many times in a row a job run resumes from its checkpoint after a transient fault (a store restarting,
    /// throttling beyond the loaders' own retries) before it gives up and fails, naming the cause. The count starts
    /// again once the job moves forward (a batch stored, a phase done). With <see cref="RetryMaxDelay"/> 15 s, 20 rides
    /// out a store outage of about two minutes (a managed PostgreSQL's failover takes one to two).
    /// </summary>
    [Range(0, 10_000)]
    public int RetryBudget { get; set; } = 20;

    /// <summary>Longest wait between those resumptions (exponential backoff with jitter up to this).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a job waiting for an earlier overlapping job looks again.</summary>
    public TimeSpan OverlapPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often each silo looks for staging no job will use again (see <see cref="Stores.Postgres.StagingSweep"/>): a
    /// final job's, when the job could not drop it itself. Also once at start.
    /// </summary>
    public TimeSpan StagingSweepPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Staging of a job id that has no job row (an interrupted start-up warm-up) is dropped once older than this.</summary>
    public TimeSpan OrphanStagingAge { get; set; } = TimeSpan.FromHours(1);
}
