namespace AdManager.Grains.Abstractions.Records;

/// <summary>A transformed campaign performance row, as stored in DynamoDB <c>CampaignPerformanceLogs</c>.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.PerformanceRecord")]
public sealed record PerformanceRecord(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string MerchantId,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] long Impressions,
    [property: Id(4)] long Clicks,
    [property: Id(5)] long CostMicros,
    [property: Id(6)] long Conversions);
