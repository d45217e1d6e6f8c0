using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Stores.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AdManager.Silo.Hosting;

/// <summary>
/// Brings jobs back within seconds instead of at their next reminder tick: when this silo becomes
/// active, and whenever the cluster declares a silo dead, it asks every unfinished job to resume.
/// Each job's grain is then activated on a live silo and continues from its checkpoint; a job that is
/// already running ignores the call. The per-job reminder stays the safety net.
/// </summary>
public sealed partial class JobFailover(
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    IGrainFactory grains,
    JobIndexStore index,
    ILogger<JobFailover> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        var first = true;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var newlyDead = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress))
                    .Select(m => m.SiloAddress.ToString())
                    .ToList();
                if (snapshot.GetSiloStatus(localSilo.SiloAddress) != SiloStatus.Active) continue;
                if (first || newlyDead.Count > 0)
                {
                    if (!first) SiloDied(logger, string.Join(", ", newlyDead));
                    first = false;
                    await ResumeUnfinishedAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ResumeUnfinishedAsync(CancellationToken ct)
    {
        try
        {
            var jobs = await index.UnfinishedAsync(ct);
            if (jobs.Count == 0) return;
            Resuming(logger, jobs.Count);
            await Task.WhenAll(jobs.Select(id => grains.GetGrain<IMigrationJobGrain>(id).Resume()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Best effort: the reminders still bring every job back.
            ResumeFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Silo(s) {Silos} declared dead: resuming unfinished jobs elsewhere")]
    private static partial void SiloDied(ILogger logger, string silos);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Resuming {Count} unfinished job(s)")]
    private static partial void Resuming(ILogger logger, int count);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Resuming unfinished jobs failed ({ErrorType}); their reminders will")]
    private static partial void ResumeFailed(ILogger logger, string errorType);
}
