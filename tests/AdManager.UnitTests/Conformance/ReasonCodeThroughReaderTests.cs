using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.Testing.Exports;
using AdManager.UnitTests.Transform;

namespace AdManager.UnitTests.Conformance;

/// <summary>
/// Every reason code of the spec, through the real readers: a record written as CSV and as NDJSON (plain and gzip)
/// gets the same reason, at the line it starts on, with the same key.
/// </summary>
public sealed class ReasonCodeThroughReaderTests
{
    /// <summary>Every field reason of every entity, with every later column broken too (see <see cref="FirstFailingCheckTests"/>).</summary>
    public static TheoryData<EntityKind, string, string?, string> FieldReasons => FirstFailingCheckTests.Cases;

    [Theory]
    [MemberData(nameof(FieldReasons))]
    public void Field_reason_is_the_same_from_csv_and_ndjson_plain_and_gzip(EntityKind kind, string column, string? value, string reason)
    {
        var values = TestRows.BreakAfter(kind, TestRows.Build(kind, (column, value)), column);

        BothFormats.AssertRejected(BothFormats.Record(kind, values), reason, ExpectedKey(kind, values));
    }

    public static TheoryData<EntityKind, int> DamageVariants => new()
    {
        { EntityKind.Campaigns, 0 }, { EntityKind.Campaigns, 3 }, { EntityKind.CampaignPerformance, 1 }, { EntityKind.CampaignPerformance, 4 },
        { EntityKind.Catalogs, 2 }, { EntityKind.Catalogs, 5 }, { EntityKind.Products, 6 }, { EntityKind.Products, 7 },
    };

    [Theory]
    [MemberData(nameof(DamageVariants))]
    public void Bytes_that_are_not_utf8_are_invalid_encoding_with_the_key_still_shown(EntityKind kind, int variant)
    {
        var values = TestRows.Build(kind);

        BothFormats.AssertRejected(BothFormats.Record(kind, values, Damage.InvalidEncoding, variant), "invalid_encoding", ExpectedKey(kind, values));
    }

    [Theory]
    [InlineData(EntityKind.Campaigns, 0)]
    [InlineData(EntityKind.CampaignPerformance, 1)]
    [InlineData(EntityKind.Catalogs, 2)]
    [InlineData(EntityKind.Products, 3)]
    public void A_record_that_cannot_be_parsed_is_malformed_row_without_a_key(EntityKind kind, int variant)
    {
        BothFormats.AssertRejected(BothFormats.Record(kind, TestRows.Build(kind), Damage.Malformed, variant), "malformed_row", null);
    }

    [Fact]
    public void Invalid_encoding_comes_before_a_broken_structure()
    {
        byte[] csv = [.. "campaign_id,merchant_id,date,impressions,clicks,cost\nc1,m1,2024-03-01,1,0,\"1"u8, 0xFF, .. "\"x\n"u8];
        var file = new WrittenFile("campaign_performance.csv", csv, [2]);

        var outcome = Assert.Single(ReadBack.Read(file, ExportEntity.CampaignPerformance));

        Assert.Equal(("invalid_encoding", 2L), (outcome.Reason, outcome.Line));
    }

    [Theory]
    [InlineData(EntityKind.Campaigns)]
    [InlineData(EntityKind.CampaignPerformance)]
    [InlineData(EntityKind.Catalogs)]
    [InlineData(EntityKind.Products)]
    public void A_merchant_outside_the_scope_is_skipped_before_any_field_check_even_when_it_is_no_valid_id(EntityKind kind)
    {
        var values = TestRows.BreakAfter(kind, TestRows.Build(kind, ("merchant_id", " not an id ")), "merchant_id");
        values[0] = TestRows.Broken;

        foreach (var (format, line, outcome) in BothFormats.Read(BothFormats.Record(kind, values), ["m_1"]))
        {
            Assert.True(outcome.Fate == RecordFate.OutOfScope && outcome.Line == line, $"{format}: {outcome}");
        }
    }

    [Theory]
    [InlineData(EntityKind.Campaigns, "missing_field:merchant_id")]
    [InlineData(EntityKind.Products, "missing_field:merchant_id")]
    public void An_empty_merchant_is_not_out_of_scope_but_checked(EntityKind kind, string reason)
    {
        var values = TestRows.Build(kind, ("merchant_id", "  "));

        BothFormats.AssertRejected(BothFormats.Record(kind, values), reason, ExpectedKey(kind, values), ["m_2"]);
    }

    [Fact]
    public void A_merchant_in_the_scope_is_matched_after_trimming_and_case_sensitively()
    {
        var inScope = TestRows.Build(EntityKind.Catalogs, ("merchant_id", "\u00A0m_1\t"));
        var otherCase = TestRows.Build(EntityKind.Catalogs, ("merchant_id", "M_1"));

        BothFormats.AssertValid(BothFormats.Record(EntityKind.Catalogs, inScope));
        Assert.All(BothFormats.Read(BothFormats.Record(EntityKind.Catalogs, otherCase), ["m_1"]), r => Assert.Equal(RecordFate.OutOfScope, r.Outcome.Fate));
    }

    private static string? ExpectedKey(EntityKind kind, string?[] values) =>
        ReferenceModel.Key(BothFormats.Record(kind, values));
}
