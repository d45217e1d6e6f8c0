using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Stores.Dynamo;

namespace AdManager.UnitTests.Stores;

public sealed class DynamoItemsTests
{
    private static readonly Guid Job = Guid.Parse("01a22345-049a-70ed-8f3d-ac866ad9c0e9");
    private static readonly DateTimeOffset Migrated = new(2024, 3, 5, 6, 7, 8, TimeSpan.Zero);

    [Fact]
    public void Empty_optional_product_fields_are_absent_attributes()
    {
        var item = DynamoItems.Product(new ProductRecord("p1", "k1", "m1", "Mug", null, 12_500_000, null, "EUR", "in_stock", null,
            "https://x.example", null, new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero)), Job, Migrated);

        Assert.Equal(
            ["Availability", "CatalogId", "Currency", "Link", "MerchantId", "MigratedAt", "MigrationJobId", "PriceMicros", "ProductId", "SourceModifiedAt", "Title"],
            item.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("12500000", item["PriceMicros"].N);
        Assert.Equal("2024-03-01T00:00:00Z", item["SourceModifiedAt"].S);
        Assert.Equal("2024-03-05T06:07:08Z", item["MigratedAt"].S);
        Assert.Equal(Job.ToString(), item["MigrationJobId"].S);
    }

    [Fact]
    public void Present_optional_product_fields_are_stored()
    {
        var item = DynamoItems.Product(new ProductRecord("p1", "k1", "m1", "Mug", "Soft", 20_000_000, 0, "USD", "preorder", "4006381333931",
            "https://x.example", "https://img.example/a.png", new DateTimeOffset(2024, 3, 1, 0, 0, 0, 123, TimeSpan.Zero)), Job, Migrated);

        Assert.Equal("Soft", item["Description"].S);
        Assert.Equal("0", item["SalePriceMicros"].N);
        Assert.Equal("4006381333931", item["Gtin"].S);
        Assert.Equal("https://img.example/a.png", item["ImageLink"].S);
        Assert.Equal("2024-03-01T00:00:00.123Z", item["SourceModifiedAt"].S);
    }

    [Fact]
    public void Performance_rows_use_the_normalised_date_as_sort_key()
    {
        var item = DynamoItems.Performance(new PerformanceRecord("c1", "m1", new DateOnly(2024, 3, 2), 200, 20, 2_500_000, 0), Job, Migrated);
        Assert.Equal("2024-03-02", item["Date"].S);
        Assert.Equal("c1/2024-03-02", DynamoItems.KeyText(DynamoItems.PerformanceKey(new PerformanceRecord("c1", "m1", new DateOnly(2024, 3, 2), 0, 0, 0, 0)), DynamoItems.PerformanceTable));
        Assert.Equal("0", item["Conversions"].N);
    }

    [Fact]
    public void Items_compare_equal_only_with_every_attribute_the_same()
    {
        var record = new PerformanceRecord("c1", "m1", new DateOnly(2024, 3, 2), 200, 20, 2_500_000, 1);
        var a = DynamoItems.Performance(record, Job, Migrated);
        Assert.True(DynamoItems.SameItem(a, DynamoItems.Performance(record, Job, Migrated)));
        Assert.False(DynamoItems.SameItem(a, DynamoItems.Performance(record with { Clicks = 21 }, Job, Migrated)));
        Assert.False(DynamoItems.SameItem(a, DynamoItems.Performance(record, Guid.NewGuid(), Migrated)));
        var extra = DynamoItems.Performance(record, Job, Migrated);
        extra["Stray"] = new() { S = "x" };
        Assert.False(DynamoItems.SameItem(a, extra));
        Assert.False(DynamoItems.SameItem(a, null));
    }
}
