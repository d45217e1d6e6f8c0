using System.Text.Json.Serialization;

namespace AdManager.Api.Jobs;

/// <summary>Answer to a submission: the job id to follow (step 3, "Job Submitted").</summary>
/// <param name="JobId">The new job's id (for a replayed Idempotency-Key, the first request's job).</param>
/// <param name="Status">Always <c>Submitted</c>: a replay answers exactly as the first request was answered; the job's
/// current status is at its <c>Location</c>.</param>
public sealed record SubmitJobResponse(Guid JobId, string Status);

/// <summary>Source as shown back: never any credentials, only the secret's name.</summary>
public sealed record SourceResponse(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Location,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CredentialsRef,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Schema);

public sealed record ScopeResponse(IReadOnlyList<string> MerchantIds, IReadOnlyList<string> DataTypes);

public sealed record OptionsResponse(int BatchSize, bool DryRun, double MaxRejectedRatio);

/// <summary>Progress counters; <c>percent</c> never goes down.</summary>
public sealed record ProgressResponse(
    double Percent,
    long RecordsRead,
    long RecordsRejected,
    long RecordsSkipped,
    long RecordsSuperseded,
    long RecordsLoaded,
    long RecordsVerified,
    int BatchesTotal,
    int BatchesCompleted,
    double RecordsPerSecond);

/// <summary>One status the job passed through.</summary>
public sealed record StatusChangeResponse(string Status, DateTimeOffset At);

/// <summary>
/// A job's details (step 6: status, progress, validationReportUrl). <c>host</c>: the silo running it; <c>waitingFor</c>:
/// while set, the job has transformed its data and waits for this earlier job, whose data overlaps (the same merchants
/// and data types), to finish before it loads, so the later job's data wins per key. <c>retrying</c>: while set, the job
/// goes back to its last checkpoint after store faults in a row (attempt of budget, the last cause, since when), until it
/// stores its next checkpoint; past the budget it fails. All three are left out when there is nothing to say.
/// </summary>
public sealed record JobResponse(
    Guid JobId,
    string Status,
    bool DryRun,
    SourceResponse Source,
    ScopeResponse Scope,
    OptionsResponse Options,
    ProgressResponse Progress,
    DateTimeOffset SubmittedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    string? ValidationReportUrl,
    string? Error,
    string? SubmittedBy,
    IReadOnlyList<StatusChangeResponse> History,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Host,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? WaitingFor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RetryResponse? Retrying = null);

/// <summary>A job retrying store faults: the attempt of the budget, the last fault's cause, since when.</summary>
public sealed record RetryResponse(int Attempt, int Of, string Cause, DateTimeOffset Since);

/// <summary>A page of jobs, newest first.</summary>
public sealed record JobListResponse(IReadOnlyList<JobResponse> Items, string? NextCursor);

/// <summary>Counts of one entity: <c>read = skippedOutOfScope + rejected + superseded + loaded</c>.</summary>
public sealed record EntityReportResponse(
    long Read,
    long SkippedOutOfScope,
    long Rejected,
    long Superseded,
    long Loaded,
    long Verified,
    IReadOnlyDictionary<string, long> RejectedByReason);

public sealed record ValidationCheckResponse(string Entity, string Target, long Expected, long Found, bool ChecksumMatch);

public sealed record ValidationResponse(bool Passed, IReadOnlyList<ValidationCheckResponse> Checks, IReadOnlyList<string> Mismatches);

public sealed record PhaseTimingResponse(string Phase, double Seconds);

/// <summary>
/// The validation report of a final job. <c>sourceSnapshotAt</c>, for a <c>postgres</c> source, is the legacy
/// database's time of the one consistent snapshot every table was read at (changes committed later are not in this
/// migration); null for a <c>file</c> source. <c>nothingWritten</c>: the job wrote no record to any target (a dry run,
/// a job stopped by the reject threshold, one that ended before Loading), so its <c>loaded</c> counts are what would
/// have been loaded.
/// </summary>
public sealed record ReportResponse(
    Guid JobId,
    string Status,
    bool DryRun,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    double DurationSeconds,
    DateTimeOffset? SourceSnapshotAt,
    IReadOnlyDictionary<string, EntityReportResponse> Entities,
    ValidationResponse Validation,
    IReadOnlyList<string> Warnings,
    string? Error,
    IReadOnlyList<PhaseTimingResponse> Phases,
    string? SubmittedBy,
    string? CancelledBy,
    string RejectionsUrl,
    bool NothingWritten);

/// <summary>One rejected record.</summary>
public sealed record RejectionResponse(string Entity, long Line, string? Key, string Reason, string Detail);

/// <summary>A page of rejections in (entity, line) order.</summary>
public sealed record RejectionListResponse(IReadOnlyList<RejectionResponse> Items, string? NextCursor);
