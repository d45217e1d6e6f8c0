namespace AdManager.Grains.Abstractions.Records;

/// <summary>A transformed catalog as stored in <c>catalog_metadata</c>; <see cref="ProductCount"/> is filled in once products are resolved.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.CatalogRecord")]
public sealed record CatalogRecord(
    [property: Id(0)] string CatalogId,
    [property: Id(1)] string MerchantId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Country,
    [property: Id(4)] string DefaultCurrency,
    [property: Id(5)] DateTimeOffset SourceModifiedAt,
    [property: Id(6)] long ProductCount = 0);
