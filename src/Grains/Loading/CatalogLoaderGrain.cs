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
public sealed class CatalogLoaderGrain(
    CatalogMetadataStore catalogs,
    DynamoBatchWriter dynamo,
    StoreResilience resilience,
    ILogger<CatalogLoaderGrain> logger) : Grain, ICatalogLoaderGrain
{
    public async Task<BatchResult> Load(CatalogBatch batch)
    {
        using var scope = logger.BeginBatch(batch.JobId, "products", batch.BatchNo);
        var errors = new List<RecordError>();
        var valid = BatchGuards.Keep(batch.Products, p => $"{p.CatalogId}/{p.ProductId}", CheckProduct, errors);
        try
        {
            var items = valid.Select(p => DynamoItems.Product(p, batch.JobId, batch.MigratedAt)).ToList();
            if (items.Count > 0)
                await BatchGuards.WithDynamoAsync(resilience, ct => dynamo.PutAsync(DynamoItems.ProductTable, items, ct));
        }
        catch (Exception ex)
        {
            LoaderLog.BatchFailed(logger, batch.JobId, "catalog", batch.BatchNo, ex.GetType().Name, ex.Message);
            return BatchGuards.Failed(batch.BatchNo, ex);
        }
        return BatchGuards.Result(batch.BatchNo, valid.Count, errors);
    }

    public Task<BatchResult> LoadStaged(StagedBatches batches) =>
        BatchGuards.MergeStagedAsync(resilience, logger, "catalog", batches, catalogs.MergeStagedAsync);

    private static string? CheckProduct(ProductRecord p) =>
        p.Currency is not { Length: 3 } ? "currency must be resolved to 3 letters"
        : p.PriceMicros <= 0 ? "price must be positive"
        : p.SalePriceMicros > p.PriceMicros ? "sale price above price"
        : null;
}
