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
        using var scope = logger.BeginBatch(batch.JobId, "campaign_performance", batch.BatchNo);
        var errors = new List<RecordError>();
        var valid = BatchGuards.Keep(batch.Performance, p => $"{p.CampaignId}/{DynamoItems.Date(p.Date)}", CheckPerformance, errors);
        try
        {
            var items = valid.Select(p => DynamoItems.Performance(p, batch.JobId, batch.MigratedAt)).ToList();
            if (items.Count > 0)
                await BatchGuards.WithDynamoAsync(resilience, ct => dynamo.PutAsync(DynamoItems.PerformanceTable, items, ct));
        }
        catch (Exception ex)
        {
            LoaderLog.BatchFailed(logger, batch.JobId, "campaign", batch.BatchNo, ex.GetType().Name, ex.Message);
            return BatchGuards.Failed(batch.BatchNo, ex);
        }
        return BatchGuards.Result(batch.BatchNo, valid.Count, errors);
    }

    public Task<BatchResult> LoadStaged(StagedBatches batches) =>
        BatchGuards.MergeStagedAsync(resilience, logger, "campaign", batches, campaigns.MergeStagedAsync);

    private static string? CheckPerformance(PerformanceRecord p) =>
        p.Clicks > p.Impressions ? "more clicks than impressions"
        : p.Impressions < 0 || p.Clicks < 0 || p.CostMicros < 0 || p.Conversions < 0 ? "negative count"
        : null;
}
