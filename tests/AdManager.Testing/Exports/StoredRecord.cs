namespace AdManager.Testing.Exports;

/// <summary>A record in the form the spec's "stored as" columns give it.</summary>
public abstract record StoredRecord
{
    /// <summary>The normalized key duplicates are found by: campaign_id, campaign_id/date, catalog_id, catalog_id/product_id.</summary>
    public abstract string Key { get; }

    public abstract string Merchant { get; }

    /// <summary>The id of the parent a child references (campaign_id, catalog_id); null for parents.</summary>
    public abstract string? Parent { get; }

    /// <summary>The <c>last_modified</c> instant; null for performance rows, where the later line wins.</summary>
    public abstract DateTimeOffset? Modified { get; }
}

/// <summary><c>campaign_metadata</c>.</summary>
public sealed record StoredCampaign(
    string CampaignId,
    string MerchantId,
    string Name,
    string Status,
    long DailyBudgetMicros,
    string Currency,
    DateOnly StartDate,
    DateOnly? EndDate,
    string TargetingJson,
    DateTimeOffset SourceModifiedAt) : StoredRecord
{
    public override string Key => CampaignId;

    public override string Merchant => MerchantId;

    public override string? Parent => null;

    public override DateTimeOffset? Modified => SourceModifiedAt;
}

/// <summary>DynamoDB <c>CampaignPerformanceLogs</c>.</summary>
public sealed record StoredPerformance(
    string CampaignId,
    string MerchantId,
    DateOnly Date,
    long Impressions,
    long Clicks,
    long CostMicros,
    long Conversions) : StoredRecord
{
    public override string Key => $"{CampaignId}/{Date:yyyy-MM-dd}";

    public override string Merchant => MerchantId;

    public override string? Parent => CampaignId;

    public override DateTimeOffset? Modified => null;
}

/// <summary><c>catalog_metadata</c>; <see cref="ProductCount"/> is the model's to fill in.</summary>
public sealed record StoredCatalog(
    string CatalogId,
    string MerchantId,
    string Name,
    string Country,
    string DefaultCurrency,
    DateTimeOffset SourceModifiedAt,
    long ProductCount = 0) : StoredRecord
{
    public override string Key => CatalogId;

    public override string Merchant => MerchantId;

    public override string? Parent => null;

    public override DateTimeOffset? Modified => SourceModifiedAt;
}

/// <summary>DynamoDB <c>ProductFeeds</c>; <see cref="Currency"/> is null when the column is empty, until the model fills in the catalog's.</summary>
public sealed record StoredProduct(
    string ProductId,
    string CatalogId,
    string MerchantId,
    string Title,
    string? Description,
    long PriceMicros,
    long? SalePriceMicros,
    string? Currency,
    string Availability,
    string? Gtin,
    string Link,
    string? ImageLink,
    DateTimeOffset SourceModifiedAt) : StoredRecord
{
    public override string Key => $"{CatalogId}/{ProductId}";

    public override string Merchant => MerchantId;

    public override string? Parent => CatalogId;

    public override DateTimeOffset? Modified => SourceModifiedAt;
}
