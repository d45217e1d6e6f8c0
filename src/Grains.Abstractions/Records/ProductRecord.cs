namespace AdManager.Grains.Abstractions.Records;

/// <summary>
/// A transformed product as stored in DynamoDB <c>ProductFeeds</c>. <see cref="Currency"/> is null
/// after the record checks when the column was empty; it becomes the catalog's default currency
/// when references are resolved, so a loaded product always has one.
/// </summary>
[GenerateSerializer, Immutable, Alias("AdManager.ProductRecord")]
public sealed record ProductRecord(
    [property: Id(0)] string ProductId,
    [property: Id(1)] string CatalogId,
    [property: Id(2)] string MerchantId,
    [property: Id(3)] string Title,
    [property: Id(4)] string? Description,
    [property: Id(5)] long PriceMicros,
    [property: Id(6)] long? SalePriceMicros,
    [property: Id(7)] string? Currency,
    [property: Id(8)] string Availability,
    [property: Id(9)] string? Gtin,
    [property: Id(10)] string Link,
    [property: Id(11)] string? ImageLink,
    [property: Id(12)] DateTimeOffset SourceModifiedAt);
