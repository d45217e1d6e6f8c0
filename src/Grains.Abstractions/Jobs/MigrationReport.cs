namespace AdManager.Grains.Abstractions.Jobs;

/// <summary>
/// Counts of one entity. <c>Read = SkippedOutOfScope + Rejected + Superseded + Loaded</c> holds for every job that got
/// past Transforming and was not stopped while loading; a job cancelled or failed during Loading reports as loaded what
/// it wrote, so the rest of its loadable records are in none of the columns.
/// </summary>
[GenerateSerializer, Immutable, Alias("AdManager.EntityCounts")]
public sealed record EntityCounts(
    [property: Id(0)] long Read,
    [property: Id(1)] long SkippedOutOfScope,
    [property: Id(2)] long Rejected,
    [property: Id(3)] long Superseded,
    [property: Id(4)] long Loaded,
    [property: Id(5)] long Verified,
    [property: Id(6)] IReadOnlyDictionary<string, long> RejectedByReason);

/// <summary>One read-back comparison of what was loaded against a target.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.ValidationCheck")]
public sealed record ValidationCheck(
    [property: Id(0)] string Entity,
    [property: Id(1)] string Target,
    [property: Id(2)] long Expected,
    [property: Id(3)] long Found,
    [property: Id(4)] bool ChecksumMatch);

/// <summary>Post-load validation (step 4.8): checks per entity and any mismatching keys.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.ValidationResult")]
public sealed record ValidationResult(
    [property: Id(0)] bool Passed,
    [property: Id(1)] IReadOnlyList<ValidationCheck> Checks,
    [property: Id(2)] IReadOnlyList<string> Mismatches);

/// <summary>Time spent in each phase, for operators and the benchmark.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.PhaseTiming")]
public sealed record PhaseTiming(
    [property: Id(0)] string Phase,
    [property: Id(1)] double Seconds);

/// <summary>
/// The validation report served at <c>validationReportUrl</c> once a job is final. <see cref="SourceSnapshotAt"/> is
/// the database time of the consistent snapshot a <c>postgres</c> source was read at (null for files).
/// <see cref="NothingWritten"/>: the job wrote no record to any target (a dry run, a job stopped by the reject threshold,
/// or one that ended before Loading): its <c>Loaded</c> counts, if any, are what would have been loaded.
/// </summary>
[GenerateSerializer, Immutable, Alias("AdManager.MigrationReport")]
public sealed record MigrationReport(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] JobStatus Status,
    [property: Id(2)] bool DryRun,
    [property: Id(3)] DateTimeOffset StartedAt,
    [property: Id(4)] DateTimeOffset CompletedAt,
    [property: Id(5)] IReadOnlyDictionary<string, EntityCounts> Entities,
    [property: Id(6)] ValidationResult Validation,
    [property: Id(7)] IReadOnlyList<string> Warnings,
    [property: Id(8)] string? Error,
    [property: Id(9)] IReadOnlyList<PhaseTiming> Phases,
    [property: Id(10)] string? SubmittedBy,
    [property: Id(11)] string? CancelledBy,
    [property: Id(12)] DateTimeOffset? SourceSnapshotAt = null,
    [property: Id(13)] bool NothingWritten = false);
