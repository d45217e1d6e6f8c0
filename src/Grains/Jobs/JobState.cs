using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Stores.Postgres;

namespace AdManager.Grains.Jobs;

/// <summary>
/// The persisted state of a <see cref="MigrationJobGrain"/>: the PostgreSQL "MigrationJob row" of the
/// sequence diagram. Besides status and configuration it holds the checkpoints a resumed job continues from.
/// </summary>
[GenerateSerializer, Alias("AdManager.JobState")]
public sealed class JobState
{
    [Id(0)] public JobConfig? Config { get; set; }
    [Id(1)] public JobStatus Status { get; set; }
    [Id(2)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(4)] public DateTimeOffset? StartedAt { get; set; }
    [Id(5)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(6)] public string? SubmittedBy { get; set; }
    [Id(7)] public string? CancelledBy { get; set; }
    [Id(8)] public bool CancelRequested { get; set; }
    [Id(9)] public string? Error { get; set; }
    [Id(10)] public List<StatusChange> History { get; set; } = [];

    /// <summary>Counts and checkpoints per entity name (<c>campaigns</c>, ...).</summary>
    [Id(11)] public Dictionary<string, EntityState> Entities { get; set; } = new(StringComparer.Ordinal);
    [Id(12)] public List<string> Warnings { get; set; } = [];

    /// <summary>Fixed when loading starts, so a resumed or repeated batch writes identical rows.</summary>
    [Id(13)] public DateTimeOffset? MigratedAt { get; set; }
    [Id(14)] public List<PhaseTiming> Phases { get; set; } = [];
    [Id(15)] public MigrationReport? Report { get; set; }

    /// <summary>Never decreases.</summary>
    [Id(16)] public double Percent { get; set; }
    [Id(17)] public ValidationResult? Validation { get; set; }
    [Id(18)] public DateTimeOffset? PhaseStartedAt { get; set; }

    /// <summary>When the source's snapshot was taken (database sources), for the report.</summary>
    [Id(19)] public DateTimeOffset? SourceSnapshotAt { get; set; }

    /// <summary>
    /// The job failed the reject threshold after Transforming: every record's outcome is decided, nothing was written.
    /// Its report counts <c>loaded</c> as what would have been loaded, as a dry run does.
    /// </summary>
    [Id(20)] public bool RejectThresholdExceeded { get; set; }

    /// <summary>
    /// PostgreSQL lost the job's staging after extraction and the job is reading its source again in place (its status
    /// stays: statuses only move forward); set until staging is extracted and resolved again.
    /// </summary>
    [Id(21)] public bool Restaging { get; set; }

    public bool Exists => Config is not null;
}

/// <summary>Counts and load checkpoint of one entity.</summary>
[GenerateSerializer, Alias("AdManager.EntityState")]
public sealed class EntityState
{
    /// <summary>The entity's source was read completely and its staging committed.</summary>
    [Id(0)] public bool Extracted { get; set; }
    [Id(1)] public long Read { get; set; }
    [Id(2)] public long Skipped { get; set; }
    [Id(3)] public long Rejected { get; set; }
    [Id(4)] public long Superseded { get; set; }
    [Id(5)] public long Loaded { get; set; }
    [Id(6)] public long Verified { get; set; }
    [Id(7)] public Dictionary<string, long> RejectedByReason { get; set; } = new(StringComparer.Ordinal);
    [Id(8)] public int BatchesTotal { get; set; }

    /// <summary>Every batch below this number is stored.</summary>
    [Id(9)] public int BatchWatermark { get; set; }

    /// <summary>Stored batches at or above the watermark (batches finish out of order).</summary>
    [Id(10)] public SortedSet<int> BatchesDone { get; set; } = [];

    /// <summary>Records written to the target so far.</summary>
    [Id(11)] public long Written { get; set; }

    /// <summary>The rows to load summed for validation when resolving took the sum (campaigns); null: validation sums them.</summary>
    [Id(12)] public StagedDigest? StagedDigest { get; set; }

    /// <summary>Records extraction staged (null in a state written before it was kept: resolving counts them).</summary>
    [Id(13)] public long? Staged { get; set; }

    public bool IsBatchDone(int batchNo) => batchNo < BatchWatermark || BatchesDone.Contains(batchNo);

    public int BatchesCompleted => BatchWatermark + BatchesDone.Count;

    public void MarkBatchDone(int batchNo)
    {
        if (batchNo < BatchWatermark) return;
        BatchesDone.Add(batchNo);
        while (BatchesDone.Remove(BatchWatermark)) BatchWatermark++;
    }
}
