namespace AdManager.Grains.Abstractions.Records;

/// <summary>A transformed campaign, exactly as it is stored in <c>campaign_metadata</c>.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.CampaignRecord")]
public sealed record CampaignRecord(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string MerchantId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Status,
    [property: Id(4)] long DailyBudgetMicros,
    [property: Id(5)] string Currency,
    [property: Id(6)] DateOnly StartDate,
    [property: Id(7)] DateOnly? EndDate,
    [property: Id(8)] string TargetingJson,
    [property: Id(9)] DateTimeOffset SourceModifiedAt);
