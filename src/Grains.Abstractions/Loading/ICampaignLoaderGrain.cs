namespace AdManager.Grains.Abstractions.Loading;

/// <summary>
/// The CampaignMgmtService of the sequence diagram: validates a campaign batch and upserts it into
/// <c>campaign_metadata</c> (PostgreSQL) and <c>CampaignPerformanceLogs</c> (DynamoDB). Stateless.
/// </summary>
public interface ICampaignLoaderGrain : IGrainWithIntegerKey
{
    /// <summary>Upserts the batch's performance rows into <c>CampaignPerformanceLogs</c> (DynamoDB) by key; safe to repeat (same batch, same result, no duplicates).</summary>
    Task<BatchResult> Load(CampaignBatch batch);

    /// <summary>
    /// Upserts the job's staged campaigns into <c>campaign_metadata</c> for a run of batches, straight from staging; safe to repeat.
    /// The result carries <see cref="StagedBatches.FirstBatch"/> as its batch number.
    /// </summary>
    Task<BatchResult> LoadStaged(StagedBatches batches);
}
