using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class CatalogRulesTests
{
    [Fact]
    public void Valid_catalog_is_stored_with_upper_case_codes_and_no_products_yet()
    {
        var values = TestRows.Catalog(("catalog_name", "Ma\u0308rz"), ("country", "de"), ("default_currency", "eur"));

        Assert.True(RecordRules.TryCatalog(values, out var record, out var rejection), rejection.Detail);
        Assert.Equal(
            new CatalogRecord("cat.1", "m_1", "M\u00E4rz", "DE", "EUR", new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero), 0),
            record);
    }

    [Theory]
    [InlineData("XK")]
    [InlineData("UK")]
    [InlineData("EU")]
    [InlineData("USA")]
    public void Country_outside_iso_3166_is_invalid(string country)
    {
        var rejection = RuleRunner.Reject(EntityKind.Catalogs, TestRows.Catalog(("country", country)));

        Assert.Equal("invalid_value:country", rejection.Reason);
    }

    [Fact]
    public void Catalog_name_of_256_code_points_is_too_long()
    {
        var rejection = RuleRunner.Reject(EntityKind.Catalogs, TestRows.Catalog(("catalog_name", new string('n', 256))));

        Assert.Equal(new Rejection("too_long:catalog_name", "256 code points, at most 255"), rejection);
    }
}
