using CsCheck;

namespace AdManager.Testing.Exports;

public static partial class RecordGen
{
    private static Gen<Candidate> Campaign(IdPools pools) =>
        from id in Gen.OneOf(pools.CampaignMerchant.Keys.ToArray())
        from merchant in Merchant(pools, pools.CampaignMerchant[id])
        from vId in ValueGen.Id(id)
        from vMerchant in ValueGen.Id(merchant)
        from name in ValueGen.Text(255)
        from status in ValueGen.Status
        from budget in ValueGen.Money(0, 1_000_000_000_000_000)
        from currency in ValueGen.Currency
        from start in ValueGen.Date(FirstDate, LastDate)
        from end in Gen.Frequency(
            (1, AbsentOrEmpty.Select(cell => new Valid<DateOnly?>(cell, null))),
            (2, ValueGen.Date(start.Stored, start.Stored.AddDays(400)).Select(v => new Valid<DateOnly?>(v.Cell, v.Stored))))
        from targeting in ValueGen.Targeting
        from instant in ValueGen.Instant
        from modified in ValueGen.Timestamp(instant)
        let stored = new StoredCampaign(id, merchant, name.Stored, status.Stored, budget.Stored, currency.Stored, start.Stored, end.Stored,
            targeting.Stored, instant)
        select new Candidate(
            Record(ExportEntity.Campaigns, stored, vId.Cell, vMerchant.Cell, name.Cell, status.Cell, budget.Cell, currency.Cell, start.Cell,
                end.Cell, targeting.Cell, modified),
            [
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.TooLong(255), ValueGen.ControlInText),
                Or(ValueGen.Missing, ValueGen.BadStatus),
                Or(ValueGen.Missing, ValueGen.BadMoney),
                Or(ValueGen.Missing, ValueGen.BadCurrency),
                Or(ValueGen.Missing, ValueGen.BadDate),
                Or(ValueGen.BadDate, Before(start.Stored)),
                ValueGen.BadTargeting,
                Or(ValueGen.Missing, ValueGen.BadTimestamp),
            ]);

    private static Gen<Candidate> Performance(IdPools pools) =>
        from id in Parent(pools.CampaignMerchant, pools.MissingParents[0])
        from merchant in Merchant(pools, pools.CampaignMerchant.GetValueOrDefault(id, pools.Merchants[0]))
        from vId in ValueGen.Id(id)
        from vMerchant in ValueGen.Id(merchant)
        from date in ValueGen.Date(new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 4))
        from impressions in ValueGen.Count(ValueGen.MaxCount)
        from clicks in ValueGen.Count(impressions.Stored)
        from cost in ValueGen.Money(0, 1_000_000_000_000_000)
        from conversions in Gen.Frequency(
            (1, AbsentOrEmpty.Select(cell => new Valid<long>(cell, 0))),
            (3, ValueGen.Count(ValueGen.MaxCount)))
        let stored = new StoredPerformance(id, merchant, date.Stored, impressions.Stored, clicks.Stored, cost.Stored, conversions.Stored)
        select new Candidate(
            Record(ExportEntity.CampaignPerformance, stored, vId.Cell, vMerchant.Cell, date.Cell, impressions.Cell, clicks.Cell, cost.Cell,
                conversions.Cell),
            [
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.BadDate),
                Or(ValueGen.Missing, ValueGen.BadCount),
                Or(ValueGen.Missing, ValueGen.BadCount, AboveCount(impressions.Stored)),
                Or(ValueGen.Missing, ValueGen.BadMoney),
                ValueGen.BadCount,
            ]);

    private static Gen<Candidate> Catalog(IdPools pools) =>
        from id in Gen.OneOf(pools.CatalogMerchant.Keys.ToArray())
        from merchant in Merchant(pools, pools.CatalogMerchant[id])
        from vId in ValueGen.Id(id)
        from vMerchant in ValueGen.Id(merchant)
        from name in ValueGen.Text(255)
        from country in ValueGen.Country
        from currency in ValueGen.Currency
        from instant in ValueGen.Instant
        from modified in ValueGen.Timestamp(instant)
        let stored = new StoredCatalog(id, merchant, name.Stored, country.Stored, currency.Stored, instant)
        select new Candidate(
            Record(ExportEntity.Catalogs, stored, vId.Cell, vMerchant.Cell, name.Cell, country.Cell, currency.Cell, modified),
            [
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.TooLong(255), ValueGen.ControlInText),
                Or(ValueGen.Missing, ValueGen.BadCountry),
                Or(ValueGen.Missing, ValueGen.BadCurrency),
                Or(ValueGen.Missing, ValueGen.BadTimestamp),
            ]);

    private static Gen<Candidate> Product(IdPools pools) =>
        from id in Gen.OneOf(pools.ProductIds.ToArray())
        from catalog in Parent(pools.CatalogMerchant, pools.MissingParents[1])
        from merchant in Merchant(pools, pools.CatalogMerchant.GetValueOrDefault(catalog, pools.Merchants[0]))
        from vId in ValueGen.Id(id)
        from vCatalog in ValueGen.Id(catalog)
        from vMerchant in ValueGen.Id(merchant)
        from title in ValueGen.Text(500)
        from description in Optional(ValueGen.Text(5000))
        from price in ValueGen.Money(1, 1_000_000_000_000_000)
        from sale in Gen.Frequency(
            (1, AbsentOrEmpty.Select(cell => new Valid<long?>(cell, null))),
            (1, ValueGen.Money(0, price.Stored).Select(v => new Valid<long?>(v.Cell, v.Stored))))
        from currency in Optional(ValueGen.Currency)
        from availability in ValueGen.Availability
        from gtin in Optional(ValueGen.Gtin)
        from link in ValueGen.Url
        from image in Optional(ValueGen.Url)
        from instant in ValueGen.Instant
        from modified in ValueGen.Timestamp(instant)
        let stored = new StoredProduct(id, catalog, merchant, title.Stored, description.Stored, price.Stored, sale.Stored, currency.Stored,
            availability.Stored, gtin.Stored, link.Stored, image.Stored, instant)
        select new Candidate(
            Record(ExportEntity.Products, stored, vId.Cell, vCatalog.Cell, vMerchant.Cell, title.Cell, description.Cell, price.Cell, sale.Cell,
                currency.Cell, availability.Cell, gtin.Cell, link.Cell, image.Cell, modified),
            [
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.BadId),
                Or(ValueGen.Missing, ValueGen.TooLong(500), ValueGen.ControlInText),
                Or(ValueGen.TooLong(5000), ValueGen.ControlInText),
                Or(ValueGen.Missing, ValueGen.BadMoney, Gen.OneOf("0", "0.0", "000", "0.000000").Select(t => new Bad(t, "invalid_value"))),
                Or(ValueGen.BadMoney, AboveMoney(price.Stored)),
                ValueGen.BadCurrency,
                Or(ValueGen.Missing, ValueGen.BadAvailability),
                ValueGen.BadGtin,
                Or(ValueGen.Missing, ValueGen.BadUrl),
                ValueGen.BadUrl,
                Or(ValueGen.Missing, ValueGen.BadTimestamp),
            ]);

    /// <summary>An optional column: absent or blank (stored as null), or a valid value.</summary>
    private static Gen<Valid<string?>> Optional(Gen<Valid<string>> valid) => Gen.Frequency(
        (1, AbsentOrEmpty.Select(cell => new Valid<string?>(cell, null))),
        (2, valid.Select(v => new Valid<string?>(v.Cell, v.Stored))));

    /// <summary>A valid date before <paramref name="start"/>: an end_date that breaks the order.</summary>
    private static Gen<Bad> Before(DateOnly start) =>
        ValueGen.Date(start.AddDays(-100), start.AddDays(-1)).Select(v => new Bad(v.Cell, "invalid_value"));

    /// <summary>A count above <paramref name="bound"/>: clicks above impressions.</summary>
    private static Gen<Bad> AboveCount(long bound) =>
        Gen.Long[1, 1_000_000].Select(k => new Bad((bound + k).ToString(System.Globalization.CultureInfo.InvariantCulture), "invalid_value"));

    /// <summary>An amount above <paramref name="micros"/>: sale_price above price.</summary>
    private static Gen<Bad> AboveMoney(long micros) =>
        Gen.Long[1, 1_000_000].SelectMany(k => ValueGen.MoneyText(micros + k)).Select(cell => new Bad(cell, "invalid_value"));
}
