using Microsoft.Extensions.Logging;

namespace AdManager.Grains.Pipeline.Sources;

internal static partial class SourceLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Job {JobId} reads schema {Schema} of the legacy database named by {CredentialsRef} at the snapshot of {SnapshotAt:O}")]
    public static partial void SnapshotTaken(ILogger logger, Guid jobId, string schema, string credentialsRef, DateTimeOffset snapshotAt);
}
