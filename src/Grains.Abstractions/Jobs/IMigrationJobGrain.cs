namespace AdManager.Grains.Abstractions.Jobs;

/// <summary>
/// One migration job (the PlatformAdministrationService of the sequence diagram): owns the job's
/// status, progress, configuration, checkpoints and report, and drives its pipeline. Keyed by job id.
/// </summary>
public interface IMigrationJobGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Records the job as <see cref="JobStatus.Submitted"/> and publishes its start event (steps 2.1-2.2).
    /// Submitting the same id again returns the existing job unchanged.
    /// </summary>
    Task<JobSnapshot> Submit(JobConfig config, string? submittedBy);

    /// <summary>The job's status and progress, or null when no job has this id.</summary>
    Task<JobSnapshot?> GetSnapshot();

    /// <summary>The validation report, or null until the job is final.</summary>
    Task<MigrationReport?> GetReport();

    /// <summary>Asks a running job to stop at its next batch boundary.</summary>
    Task<CancelOutcome> Cancel(string? cancelledBy);

    /// <summary>
    /// Starts or resumes the pipeline from the last checkpoint when the job is not final and not running
    /// in this activation (after its host died). Idempotent; a no-op for unknown and final jobs.
    /// </summary>
    Task Resume();
}

/// <summary>What a cancel request found.</summary>
public enum CancelOutcome
{
    Accepted = 0,
    AlreadyFinal = 1,
    NotFound = 2,
}
