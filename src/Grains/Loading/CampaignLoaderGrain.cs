using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Stores;
using AdManager.Grains.Stores.Dynamo;
using AdManager.Grains.Stores.Postgres;
using Microsoft.Extensions.Logging;
using AdManager.Grains.Telemetry;
using Orleans.Concurrency;

namespace AdManager.Grains.Loading;

/// <summary>Stateless: any silo may run many at once; the job limits how many batches are in flight.</summary>
[StatelessWorker]
public sealed class CampaignLoaderGrain(
    CampaignMetadataStore campaigns,
    DynamoBatchWriter dynamo,
    StoreResilience resilience,
    ILogger<CampaignLoaderGrain> logger) : Grain, ICampaignLoaderGrain
{
    public async Task<BatchResult> Load(CampaignBatch batch)
    {
        var entity = batch.Campaigns.Count > 0 ? "campaigns" : "campaign_performance";
        using var scope = logger.BeginBatch(batch.JobId, entity, batch.BatchNo);
        var errors = new List<RecordError>();
        var validCampaigns = BatchGuards.Keep(batch.Campaigns, c => c.CampaignId, CheckCampaign, errors);
        var validPerformance = BatchGuards.Keep(batch.Performance, p => $"{p.CampaignId}/{DynamoItems.Date(p.Date)}", CheckPerformance, errors);
        try
        {
            if (validCampaigns.Count > 0)
                await BatchGuards.WithPostgresAsync(resilience, ct => campaigns.UpsertAsync(validCampaigns, batch.JobId, batch.MigratedAt, ct));
            var items = validPerformance.Select(p => DynamoItems.Performance(p, batch.JobId, batch.MigratedAt)).ToList();
            if (items.Count > 0)
                await BatchGuards.WithDynamoAsync(resilience, ct => dynamo.PutAsync(DynamoItems.PerformanceTable, items, ct));
        }
        catch (Exception ex)
        {
            LoaderLog.BatchFailed(logger, batch.JobId, "campaign", batch.BatchNo, ex.GetType().Name, ex.Message);
            return BatchGuards.Failed(batch.BatchNo, ex);
        }
        return BatchGuards.Result(batch.BatchNo, validCampaigns.Count + validPerformance.Count, errors);
    }

    public async Task<BatchResult> LoadStaged(StagedBatches batches)
    {
        StagedMergeResult? merged = null;
        try
        {
            await BatchGuards.WithPostgresAsync(resilience, async ct =>
                merged = await campaigns.MergeStagedAsync(batches, ct));
        }
        catch (Exception ex)
        {
            LoaderLog.BatchFailed(logger, batches.JobId, "campaign", batches.FirstBatch, ex.GetType().Name, ex.Message);
            return BatchGuards.Failed(batches.FirstBatch, ex);
        }
        return BatchGuards.Result(batches.FirstBatch, merged!.Written, [.. merged.Refused.Select(r => new RecordError(r.Key, r.Problem))]);
    }

    private static string? CheckCampaign(CampaignRecord c) =>
        c.Currency.Length != 3 ? "currency must have 3 letters"
        : c.DailyBudgetMicros < 0 ? "daily budget must not be negative"
        : c.EndDate is { } end && end < c.StartDate ? "end date before start date"
        : null;

    private static string? CheckPerformance(PerformanceRecord p) =>
        p.Clicks > p.Impressions ? "more clicks than impressions"
        : p.Impressions < 0 || p.Clicks < 0 || p.CostMicros < 0 || p.Conversions < 0 ? "negative count"
        : null;
}
