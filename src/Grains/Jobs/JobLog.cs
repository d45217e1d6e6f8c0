using Microsoft.Extensions.Logging;

namespace AdManager.Grains.Jobs;

internal static partial class JobLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Job {JobId} submitted: source {SourceKind}, data types {DataTypes}")]
    public static partial void Submitted(ILogger logger, Guid jobId, string sourceKind, string dataTypes);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Job {JobId} status {Status}")]
    public static partial void StatusChanged(ILogger logger, Guid jobId, string status);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Job {JobId} running from {Status}")]
    public static partial void Running(ILogger logger, Guid jobId, string status);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Job {JobId} phase Extracting entity {Entity}: {Read} read, {Rejected} rejected while reading, {Skipped} out of scope")]
    public static partial void EntityExtracted(ILogger logger, Guid jobId, string entity, long read, long rejected, long skipped);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Job {JobId} phase Loading {Entity} batch {BatchNo}: {Written} written ({Completed}/{Total} batches)")]
    public static partial void BatchLoaded(ILogger logger, Guid jobId, string entity, int batchNo, int written, int completed, int total);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Job {JobId} finished {Status} {Error}")]
    public static partial void Finished(ILogger logger, Guid jobId, string status, string error);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Job {JobId} cancel requested")]
    public static partial void CancelRequested(ILogger logger, Guid jobId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Job {JobId} start-event stream error {ErrorType}")]
    public static partial void StreamError(ILogger logger, Guid jobId, string errorType);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Job {JobId} pausing for deactivation: {Reason}")]
    public static partial void Pausing(ILogger logger, Guid jobId, string reason);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Job {JobId} paused in {Status}; it resumes from its checkpoint")]
    public static partial void Paused(ILogger logger, Guid jobId, string status);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Job {JobId} failed in {Status}")]
    public static partial void Crashed(ILogger logger, Guid jobId, string status, Exception exception);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Job {JobId}: staging cleanup failed ({ErrorType}); rows stay until the next run")]
    public static partial void StagingCleanupFailed(ILogger logger, Guid jobId, string errorType);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Job {JobId} in {Status}: transient fault, retry {Attempt}/{Budget} from the last checkpoint in {DelaySeconds:0.0} s: {Cause}")]
    public static partial void RetryingAfterFault(ILogger logger, Guid jobId, string status, int attempt, int budget, double delaySeconds, string cause);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Job {JobId}: could not store final status {Status} ({Cause}); the resume reminder tries again")]
    public static partial void FinishNotStored(ILogger logger, Guid jobId, string status, string cause);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Job {JobId} waits for earlier job {EarlierJobId}, whose data overlaps, before loading")]
    public static partial void WaitingForEarlierJob(ILogger logger, Guid jobId, Guid earlierJobId);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Information, Message = "Job {JobId}: a batch in flight did not finish before the silo stopped ({ErrorType}); it runs again on resume")]
    public static partial void BatchNotCheckpointed(ILogger logger, Guid jobId, string errorType);

    [LoggerMessage(EventId = 1017, Level = LogLevel.Warning, Message = "Job {JobId} in {Status}: PostgreSQL lost the job's staging (a crash empties unlogged tables); reading the source again")]
    public static partial void StagingLost(ILogger logger, Guid jobId, string status);

    [LoggerMessage(EventId = 1018, Level = LogLevel.Warning, Message = "Job {JobId} in {Status}: its stored state was written by another activation (a silo handing the job over); going on from the stored checkpoint in {DelaySeconds:0.0} s")]
    public static partial void StateMovedOn(ILogger logger, Guid jobId, string status, double delaySeconds);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Information, Message = "Job {JobId} phase Transforming entity {Entity}: {Rejected} rejected in all, {Superseded} superseded, {Loadable} to load in {Batches} batches")]
    public static partial void EntityResolved(ILogger logger, Guid jobId, string entity, long rejected, long superseded, long loadable, int batches);
}
