using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class ProductRulesTests
{
    [Fact]
    public void Valid_product_is_stored_with_normalized_values()
    {
        var values = TestRows.Product(
            ("title", " Blue shirt "),
            ("description", "Cotton,\r\nsize M"),
            ("price", "19.99"),
            ("sale_price", "15"),
            ("currency", "eur"),
            ("availability", "Out of Stock"),
            ("gtin", "036000291452"),
            ("link", " HTTPS://Shop.example/p-1 "),
            ("image_link", "http://img.example:8080/p-1.jpg"),
            ("last_modified", "2024-03-01T08:00:00.25Z"));

        Assert.True(RecordRules.TryProduct(values, out var record, out var rejection), rejection.Detail);

        var expected = new ProductRecord(
            "p-1", "cat.1", "m_1", "Blue shirt", "Cotton,\r\nsize M", 19_990_000, 15_000_000, "EUR", "out_of_stock",
            "036000291452", "HTTPS://Shop.example/p-1", "http://img.example:8080/p-1.jpg",
            new DateTimeOffset(2024, 3, 1, 8, 0, 0, 250, TimeSpan.Zero));
        Assert.Equal(expected, record);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\u2028 \u0085")]
    public void Empty_optional_columns_are_null(string? empty)
    {
        var values = TestRows.Product(
            ("description", empty), ("sale_price", empty), ("currency", empty), ("gtin", empty), ("image_link", empty));

        Assert.True(RecordRules.TryProduct(values, out var record, out _));
        Assert.Null(record!.Description);
        Assert.Null(record.SalePriceMicros);
        Assert.Null(record.Currency);
        Assert.Null(record.Gtin);
        Assert.Null(record.ImageLink);
    }

    [Theory]
    [InlineData("19.99", 19_990_000L)]
    [InlineData("19.990000", 19_990_000L)]
    [InlineData("0", 0L)]
    [InlineData("0.000", 0L)]
    public void Sale_price_up_to_price_including_zero_is_valid(string salePrice, long micros)
    {
        Assert.True(RecordRules.TryProduct(TestRows.Product(("price", "19.99"), ("sale_price", salePrice)), out var record, out _));
        Assert.Equal(micros, record!.SalePriceMicros);
    }

    [Fact]
    public void Sale_price_above_price_is_invalid_at_sale_price()
    {
        var rejection = RuleRunner.Reject(EntityKind.Products, TestRows.Product(("price", "19.99"), ("sale_price", "20")));

        Assert.Equal(new Rejection("invalid_value:sale_price", "sale_price 20 exceeds price 19.99"), rejection);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.0")]
    [InlineData("000.000000")]
    public void Price_of_zero_is_invalid(string price)
    {
        var rejection = RuleRunner.Reject(EntityKind.Products, TestRows.Product(("price", price), ("sale_price", "0")));

        Assert.Equal("invalid_value:price", rejection.Reason);
    }

    [Theory]
    [InlineData("0.000001", 1L)]
    [InlineData("1000000000", 1_000_000_000_000_000L)]
    public void Price_from_one_micro_to_the_bound_is_valid(string price, long micros)
    {
        Assert.True(RecordRules.TryProduct(TestRows.Product(("price", price), ("sale_price", null)), out var record, out _));
        Assert.Equal(micros, record!.PriceMicros);
    }

    [Theory]
    [InlineData("in_stock", "in_stock")]
    [InlineData("In Stock", "in_stock")]
    [InlineData("OUT OF STOCK", "out_of_stock")]
    [InlineData("Preorder", "preorder")]
    [InlineData("backorder", "backorder")]
    public void Availability_is_stored_lower_case_with_underscores(string raw, string stored)
    {
        Assert.True(RecordRules.TryProduct(TestRows.Product(("availability", raw)), out var record, out _));
        Assert.Equal(stored, record!.Availability);
    }

    [Fact]
    public void Gtin_with_a_wrong_check_digit_names_both_digits()
    {
        var rejection = RuleRunner.Reject(EntityKind.Products, TestRows.Product(("gtin", "4006381333932")));

        Assert.Equal(new Rejection("invalid_value:gtin", "check digit 2, expected 1"), rejection);
    }

    [Fact]
    public void Explicit_currency_is_kept_even_when_it_differs_from_the_catalog()
    {
        Assert.True(RecordRules.TryProduct(TestRows.Product(("currency", "jpy")), out var record, out _));
        Assert.Equal("JPY", record!.Currency);
    }

    [Fact]
    public void Description_of_5000_code_points_fits_and_5001_is_too_long()
    {
        var fits = string.Concat(Enumerable.Repeat("\U0001F600", 5000));

        Assert.True(RecordRules.TryProduct(TestRows.Product(("description", fits)), out _, out _));
        var rejection = RuleRunner.Reject(EntityKind.Products, TestRows.Product(("description", fits + "x")));
        Assert.Equal(new Rejection("too_long:description", "5001 code points, at most 5000"), rejection);
    }
}
