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
        var entity = batch.Catalogs.Count > 0 ? "catalogs" : "products";
        using var scope = logger.BeginBatch(batch.JobId, entity, batch.BatchNo);
        var errors = new List<RecordError>();
        var validCatalogs = BatchGuards.Keep(batch.Catalogs, c => c.CatalogId, CheckCatalog, errors);
        var validProducts = BatchGuards.Keep(batch.Products, p => $"{p.CatalogId}/{p.ProductId}", CheckProduct, errors);
        try
        {
            if (validCatalogs.Count > 0)
                await BatchGuards.WithPostgresAsync(resilience, ct => catalogs.UpsertAsync(validCatalogs, batch.JobId, batch.MigratedAt, ct));
            var items = validProducts.Select(p => DynamoItems.Product(p, batch.JobId, batch.MigratedAt)).ToList();
            if (items.Count > 0)
                await BatchGuards.WithDynamoAsync(resilience, ct => dynamo.PutAsync(DynamoItems.ProductTable, items, ct));
        }
        catch (Exception ex)
        {
            LoaderLog.BatchFailed(logger, batch.JobId, "catalog", batch.BatchNo, ex.GetType().Name, ex.Message);
            return BatchGuards.Failed(batch.BatchNo, ex);
        }
        return BatchGuards.Result(batch.BatchNo, validCatalogs.Count + validProducts.Count, errors);
    }

    public async Task<BatchResult> LoadStaged(StagedBatches batches)
    {
        StagedMergeResult? merged = null;
        try
        {
            await BatchGuards.WithPostgresAsync(resilience, async ct =>
                merged = await catalogs.MergeStagedAsync(batches, ct));
        }
        catch (Exception ex)
        {
            LoaderLog.BatchFailed(logger, batches.JobId, "catalog", batches.FirstBatch, ex.GetType().Name, ex.Message);
            return BatchGuards.Failed(batches.FirstBatch, ex);
        }
        return BatchGuards.Result(batches.FirstBatch, merged!.Written, [.. merged.Refused.Select(r => new RecordError(r.Key, r.Problem))]);
    }

    private static string? CheckCatalog(CatalogRecord c) =>
        c.Country.Length != 2 ? "country must have 2 letters"
        : c.DefaultCurrency.Length != 3 ? "default currency must have 3 letters"
        : c.ProductCount < 0 ? "negative product count"
        : null;

    private static string? CheckProduct(ProductRecord p) =>
        p.Currency is not { Length: 3 } ? "currency must be resolved to 3 letters"
        : p.PriceMicros <= 0 ? "price must be positive"
        : p.SalePriceMicros > p.PriceMicros ? "sale price above price"
        : null;
}
