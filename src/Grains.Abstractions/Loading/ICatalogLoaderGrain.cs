namespace AdManager.Grains.Abstractions.Loading;

/// <summary>
/// The ProductCatalogService of the sequence diagram: validates a catalog batch and upserts it into
/// <c>catalog_metadata</c> (PostgreSQL) and <c>ProductFeeds</c> (DynamoDB). Stateless.
/// </summary>
public interface ICatalogLoaderGrain : IGrainWithIntegerKey
{
    /// <summary>Upserts the batch's products into <c>ProductFeeds</c> (DynamoDB) by key; safe to repeat (same batch, same result, no duplicates).</summary>
    Task<BatchResult> Load(CatalogBatch batch);

    /// <summary>
    /// Upserts the job's staged catalogs into <c>catalog_metadata</c> for a run of batches, straight from staging; safe to repeat.
    /// The result carries <see cref="StagedBatches.FirstBatch"/> as its batch number.
    /// </summary>
    Task<BatchResult> LoadStaged(StagedBatches batches);
}
