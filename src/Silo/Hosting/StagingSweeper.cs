using AdManager.Grains.Jobs;
using AdManager.Grains.Stores.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdManager.Silo.Hosting;

/// <summary>
/// Runs <see cref="StagingSweep"/> at start and every <see cref="JobRunOptions.StagingSweepPeriod"/>. Every silo does;
/// two sweeps at once drop the same tables with <c>IF EXISTS</c>, so they need no coordination. A failed sweep is
/// logged and tried again at the next period.
/// </summary>
public sealed partial class StagingSweeper(StagingSweep sweep, IOptions<JobRunOptions> options, ILogger<StagingSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var o = options.Value;
        using var timer = new PeriodicTimer(o.StagingSweepPeriod);
        try
        {
            do
            {
                try
                {
                    var swept = await sweep.RunAsync(o.OrphanStagingAge, DateTimeOffset.UtcNow, stoppingToken);
                    if (swept.Count > 0) Swept(logger, swept.Count, string.Join(", ", swept));
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    SweepFailed(logger, ex.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Dropped the staging left by {Count} job(s) that no longer need it: {JobIds}")]
    private static partial void Swept(ILogger logger, int count, string jobIds);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Warning, Message = "Looking for staging left behind failed ({ErrorType}); trying again at the next period")]
    private static partial void SweepFailed(ILogger logger, string errorType);
}
