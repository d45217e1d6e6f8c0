using Microsoft.Extensions.Logging;

namespace AdManager.Grains.Loading;

internal static partial class LoaderLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Job {JobId}: {Kind} batch {BatchNo} failed: {ErrorType}: {ErrorMessage}")]
    public static partial void BatchFailed(ILogger logger, Guid jobId, string kind, int batchNo, string errorType, string errorMessage);
}
