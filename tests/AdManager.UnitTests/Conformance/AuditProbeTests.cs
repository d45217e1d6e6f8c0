using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.UnitTests.Transform;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Conformance;

/// <summary>
/// Audit probes against the legacy-export contract (spec/legacy-export.md): edge cases the other suites do not pin. The
/// first group pins what this audit found and was fixed; the others pin conforming behaviour of edge cases not
/// covered elsewhere.
/// </summary>
public sealed class AuditProbeTests
{
    private static readonly HashSet<string> NoScope = [];

    // ---------------------------------------------------------------------------------------------------------------
    // Found by this audit and fixed
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// A fraction of any length, and "the same last_modified compares instants": the record's instant holds 100 ns ticks,
    /// and the digits beyond them are kept beside it for rule 5 (LastModifiedPrecisionTests runs them through a job).
    /// </summary>
    [Theory]
    [InlineData("2024-03-01T12:00:00Z", null)]
    [InlineData("2024-03-01 12:00:00", null)]
    [InlineData("2024-03-01T12:00:00.1234567Z", null)]
    [InlineData("2024-03-01T12:00:00.12345670000+02:00", null)]
    [InlineData("2024-03-01T12:00:00.00000002Z", "2")]
    [InlineData("2024-03-01T12:00:00.000000010Z", "1")]
    [InlineData("2024-03-01t12:00:00.1234567891z", "891")]
    [InlineData("\u00A02024-03-01T12:00:00.0000000099-05:30 ", "099")]
    public void Fraction_digits_beyond_100_ns_are_kept_without_trailing_zeros(string value, string? expected)
    {
        Assert.True(Formats.TryTimestamp(value.Trim(), out _, out var detail), detail);

        Assert.Equal(expected, Formats.FractionBeyondTicks(value));
    }

    [Fact]
    public void A_valid_record_carries_the_fraction_digits_its_instant_cannot_hold()
    {
        var line = "{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"campaign_name\":\"n\",\"status\":\"active\",\"daily_budget\":1,"
                   + "\"currency\":\"usd\",\"start_date\":\"2024-03-01\",\"last_modified\":\"2024-03-01T00:00:00.00000002Z\"}";

        var outcome = Assert.Single(Classify(line, "campaigns.ndjson", EntitySchema.Campaigns)).Outcome;

        Assert.Equal(RecordFate.Valid, outcome.Fate);
        Assert.Equal("2", outcome.ModifiedBeyondTicks);
    }

    /// <summary>targeting_json is "a JSON object" with no depth limit in the spec; the bound is PostgreSQL's, with a margin.</summary>
    [Theory]
    [InlineData(65)]
    [InlineData(Formats.MaxJsonDepth)]
    public void Targeting_json_nested_deeper_than_64_is_a_json_object(int depth)
    {
        var values = TestRows.Campaign(("targeting_json", Nested(depth)));

        var (ok, _, rejection) = RuleRunner.Run(EntityKind.Campaigns, values);

        Assert.True(ok, $"rejected: {rejection.Reason} ({rejection.Detail})");
    }

    [Fact]
    public void Targeting_json_nested_deeper_than_the_bound_is_an_invalid_value_saying_so()
    {
        var values = TestRows.Campaign(("targeting_json", Nested(Formats.MaxJsonDepth + 1)));

        var (ok, _, rejection) = RuleRunner.Run(EntityKind.Campaigns, values);

        Assert.False(ok);
        Assert.Equal("invalid_value:targeting_json", rejection.Reason);
        Assert.Contains("depth", rejection.Detail);
    }

    [Fact]
    public void Ndjson_nested_targeting_object_65_deep_is_valid()
    {
        var line = "{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"campaign_name\":\"n\",\"status\":\"active\",\"daily_budget\":1,"
                   + "\"currency\":\"usd\",\"start_date\":\"2024-03-01\",\"targeting_json\":" + Nested(65) + ",\"last_modified\":\"2024-03-01T00:00:00Z\"}";

        var outcome = Assert.Single(Classify(line, "campaigns.ndjson", EntitySchema.Campaigns)).Outcome;

        Assert.True(outcome.Fate == RecordFate.Valid, $"{outcome.Fate} {outcome.Rejection.Reason} {outcome.Rejection.Detail}");
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    // ---------------------------------------------------------------------------------------------------------------
    // Conforming edge cases (pinned)
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public void Same_instant_in_far_offsets_with_fractions_is_equal()
    {
        Assert.True(Formats.TryTimestamp("2024-03-01T00:00:00.5-13:30", out var a, out _));
        Assert.True(Formats.TryTimestamp("2024-03-01T13:30:00.500Z", out var b, out _));
        Assert.True(Formats.TryTimestamp("2024-03-02t03:30:00.5000000+14:00", out var c, out _));
        Assert.Equal(a.UtcTicks, b.UtcTicks);
        Assert.Equal(b.UtcTicks, c.UtcTicks);
    }

    [Theory]
    [InlineData("2024-02-29", true)]
    [InlineData("20240229", true)]
    [InlineData("20230229", false)]
    [InlineData("2100-02-29", false)]
    [InlineData("2000-02-29", true)]
    [InlineData("2024-04-31", false)]
    [InlineData("2024-00-10", false)]
    [InlineData("2024-13-01", false)]
    [InlineData("2024-1-01", false)]
    [InlineData("2024-03-01T00:00:00Z", false)]
    [InlineData("２０２４-03-01", false)] // full-width digits
    public void Dates_in_both_forms_must_be_real(string value, bool valid)
    {
        Assert.Equal(valid, Formats.TryDate(value, out _, out _));
    }

    [Fact]
    public void Compact_and_dashed_dates_give_the_same_key()
    {
        Assert.True(Formats.TryDate("20240302", out var compact, out _));
        Assert.True(Formats.TryDate("2024-03-02", out var dashed, out _));
        Assert.Equal(dashed, compact);
    }

    [Theory]
    [InlineData("1000000000.000000", 1_000_000_000_000_000L)]
    [InlineData("0001000000000", 1_000_000_000_000_000L)]
    [InlineData("000000000000000000000000.000001", 1L)]
    [InlineData("999999999.999999", 999_999_999_999_999L)]
    [InlineData("0", 0L)]
    [InlineData("0.0", 0L)]
    [InlineData("\u3000 12.5\u00A0", 12_500_000L)]
    public void Money_edges_accepted(string raw, long micros)
    {
        var values = TestRows.Performance(("cost", raw));
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.CampaignPerformance, values);
        Assert.True(ok, rejection.Detail);
        Assert.Equal(micros, ((PerformanceRecord)record!).CostMicros);
    }

    [Theory]
    [InlineData("1000000000.000001")]
    [InlineData("10000000000")]
    [InlineData("0.1234567")]
    [InlineData("+1")]
    [InlineData("-0")]
    [InlineData("1e3")]
    [InlineData("1 000")]
    [InlineData("1,5")]
    [InlineData("12.")]
    [InlineData(".5")]
    [InlineData("1.2.3")]
    [InlineData("\u0661")] // Arabic-Indic digit one
    [InlineData("1\u200B")] // a format character is not trimmed
    public void Money_edges_rejected(string raw)
    {
        var rejection = RuleRunner.Reject(EntityKind.CampaignPerformance, TestRows.Performance(("cost", raw)));
        Assert.Equal("invalid_value:cost", rejection.Reason);
    }

    [Theory]
    [InlineData("9007199254740992", 9_007_199_254_740_992L)]
    [InlineData("0000000000000000009007199254740992", 9_007_199_254_740_992L)]
    [InlineData("00", 0L)]
    public void Count_edges_accepted_for_impressions(string raw, long value)
    {
        var values = TestRows.Performance(("impressions", raw), ("clicks", "0"));
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.CampaignPerformance, values);
        Assert.True(ok, rejection.Detail);
        Assert.Equal(value, ((PerformanceRecord)record!).Impressions);
    }

    [Theory]
    [InlineData("9007199254740993", "invalid_value:impressions")]
    [InlineData("99999999999999999999999", "invalid_value:impressions")]
    [InlineData("1.0", "invalid_value:impressions")]
    [InlineData("1e3", "invalid_value:impressions")]
    [InlineData("-1", "invalid_value:impressions")]
    [InlineData("+1", "invalid_value:impressions")]
    [InlineData(" \u2003 ", "missing_field:impressions")]
    public void Count_edges_rejected_for_impressions(string raw, string reason)
    {
        Assert.Equal(reason, RuleRunner.Reject(EntityKind.CampaignPerformance, TestRows.Performance(("impressions", raw))).Reason);
    }

    [Fact]
    public void Clicks_equal_to_impressions_at_two_to_the_53_is_valid()
    {
        var values = TestRows.Performance(("impressions", "9007199254740992"), ("clicks", "09007199254740992"), ("conversions", "  "));
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.CampaignPerformance, values);
        Assert.True(ok, rejection.Detail);
        Assert.Equal(0, ((PerformanceRecord)record!).Conversions);
    }

    [Fact]
    public void Clicks_above_impressions_is_invalid_clicks_before_a_bad_cost()
    {
        var values = TestRows.Performance(("impressions", "5"), ("clicks", "6"), ("cost", "-1"));
        Assert.Equal("invalid_value:clicks", RuleRunner.Reject(EntityKind.CampaignPerformance, values).Reason);
    }

    [Theory]
    [InlineData(255, "e\u0301", true)] // 510 UTF-16 units and code points before NFC, 255 after
    [InlineData(256, "e\u0301", false)]
    [InlineData(255, "\U0001F600", true)] // 510 UTF-16 units, 255 code points
    [InlineData(256, "\U0001F600", false)]
    [InlineData(85, "\uFB2C", true)] // NFC makes 3 code points of each: 255
    [InlineData(86, "\uFB2C", false)] // 258
    [InlineData(255, "\u1100\u1161", true)] // conjoining jamo compose to one syllable each
    [InlineData(128, "\u0958", false)] // NFC decomposes to two code points each: 256
    public void Campaign_name_length_is_counted_in_code_points_after_nfc(int repeat, string unit, bool valid)
    {
        var name = string.Concat(Enumerable.Repeat(unit, repeat));
        var (ok, _, rejection) = RuleRunner.Run(EntityKind.Campaigns, TestRows.Campaign(("campaign_name", name)));
        Assert.Equal(valid, ok);
        if (!valid) Assert.Equal("too_long:campaign_name", rejection.Reason);
    }

    [Fact]
    public void Too_long_wins_over_a_control_character_in_the_same_text()
    {
        var title = "\u0001" + new string('x', 500);
        Assert.Equal("too_long:title", RuleRunner.Reject(EntityKind.Products, TestRows.Product(("title", title))).Reason);
    }

    [Theory]
    [InlineData("a\u0085b")] // NEL: White_Space and Cc, so trimmed at the ends but invalid inside
    [InlineData("a\u007Fb")]
    [InlineData("a\u009Fb")]
    [InlineData("a\u0000b")]
    public void Cc_inside_a_description_is_invalid(string description)
    {
        Assert.Equal("invalid_value:description", RuleRunner.Reject(EntityKind.Products, TestRows.Product(("description", description))).Reason);
    }

    [Theory]
    [InlineData("\u0085title\u0085", "title")]
    [InlineData("a\u2028b", "a\u2028b")] // Zl, not Cc
    [InlineData("\u200Bx\uFEFF", "\u200Bx\uFEFF")] // Cf, not trimmed, allowed
    [InlineData("t\tab\r\nline", "t\tab\r\nline")]
    public void Text_keeps_format_and_separator_characters(string raw, string stored)
    {
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.Products, TestRows.Product(("title", raw)));
        Assert.True(ok, rejection.Detail);
        Assert.Equal(stored, ((ProductRecord)record!).Title);
    }

    [Theory]
    [InlineData("xau", "XAU")]
    [InlineData("XDR", "XDR")]
    [InlineData("xTs", "XTS")]
    [InlineData("XXX", "XXX")]
    [InlineData("chf", "CHF")]
    public void Currency_codes_including_x_codes_are_upper_cased(string raw, string stored)
    {
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.Products, TestRows.Product(("currency", " " + raw + "\t")));
        Assert.True(ok, rejection.Detail);
        Assert.Equal(stored, ((ProductRecord)record!).Currency);
    }

    [Theory]
    [InlineData("HRK")]
    [InlineData("hrk")]
    [InlineData("U S D")]
    [InlineData("USD​")] // a format character is not trimmed
    public void Currency_withdrawn_or_not_a_code_is_invalid(string raw)
    {
        Assert.Equal("invalid_value:currency", RuleRunner.Reject(EntityKind.Products, TestRows.Product(("currency", raw))).Reason);
    }

    [Fact]
    public void Empty_product_currency_is_left_for_the_catalog_default()
    {
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.Products, TestRows.Product(("currency", "\u00A0")));
        Assert.True(ok, rejection.Detail);
        Assert.Null(((ProductRecord)record!).Currency);
    }

    [Theory]
    [InlineData("XK")]
    [InlineData("UK")]
    [InlineData("EU")]
    [InlineData("AN")]
    [InlineData("ZZ")]
    public void Country_codes_not_officially_assigned_are_invalid(string code)
    {
        Assert.Equal("invalid_value:country", RuleRunner.Reject(EntityKind.Catalogs, TestRows.Catalog(("country", code))).Reason);
    }

    [Fact]
    public void Country_list_has_249_codes_with_the_recent_ones()
    {
        Assert.Equal(249, Iso3166.All.Count);
        foreach (var code in new[] { "SS", "CW", "SX", "BQ", "BL", "MF", "AX", "GG", "JE", "IM", "PS", "TL" })
        {
            Assert.Contains(code, Iso3166.All);
        }
    }

    [Theory]
    [InlineData("http://h:65535", true)]
    [InlineData("HTTPS://h:1/p?q#f", true)]
    [InlineData("http://h:65536", false)]
    [InlineData("http://h:-1", false)]
    [InlineData("http://h:", false)]
    [InlineData("http://:80", false)]
    [InlineData("http://", false)]
    [InlineData("http:///path", false)]
    [InlineData("http://?q", false)]
    [InlineData("http://u:p@", false)]
    [InlineData("http://a\u3000b", false)]
    [InlineData("http://a\u0085b", false)]
    [InlineData("http://a\u200Bb", true)]
    [InlineData("http:/h", false)]
    [InlineData("ftp://h", false)]
    [InlineData("//h", false)]
    public void Url_edges(string url, bool valid)
    {
        var (ok, _, rejection) = RuleRunner.Run(EntityKind.Products, TestRows.Product(("link", url)));
        Assert.Equal(valid, ok);
        if (!valid) Assert.Equal("invalid_value:link", rejection.Reason);
    }

    [Theory]
    [InlineData("in_Stock", "in_stock")]
    [InlineData("Out Of_Stock", "out_of_stock")]
    [InlineData("BACKORDER", "backorder")]
    [InlineData("\u00A0preorder\u00A0", "preorder")]
    public void Availability_accepted(string raw, string stored)
    {
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.Products, TestRows.Product(("availability", raw)));
        Assert.True(ok, rejection.Detail);
        Assert.Equal(stored, ((ProductRecord)record!).Availability);
    }

    [Theory]
    [InlineData("in  stock")]
    [InlineData("in\tstock")]
    [InlineData("in\u00A0stock")]
    [InlineData("in-stock")]
    [InlineData("instock")]
    [InlineData("pre order")]
    [InlineData("back order")]
    [InlineData("out of stock ")] // trailing space is trimmed, so this one is fine: checked below
    public void Availability_rejected_unless_trim_makes_it_exact(string raw)
    {
        var (ok, _, rejection) = RuleRunner.Run(EntityKind.Products, TestRows.Product(("availability", raw)));
        Assert.Equal(raw == "out of stock ", ok);
        if (!ok) Assert.Equal("invalid_value:availability", rejection.Reason);
    }

    public static TheoryData<string> GtinsWithValidCheckDigit()
    {
        var data = new TheoryData<string>();
        foreach (var body in new[] { "9638507", "03600029145", "400638133393", "1001234567890", "0000000000000" })
        {
            data.Add(body + GtinCheckDigit(body));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GtinsWithValidCheckDigit))]
    public void Gtin_of_every_length_with_its_check_digit_is_valid_and_one_off_is_not(string gtin)
    {
        Assert.True(Formats.TryGtin(gtin, out var detail), detail);
        var wrong = gtin[..^1] + (char)('0' + ((gtin[^1] - '0' + 1) % 10));
        Assert.Equal("invalid_value:gtin", RuleRunner.Reject(EntityKind.Products, TestRows.Product(("gtin", wrong))).Reason);
    }

    [Theory]
    [InlineData("0", "15", "invalid_value:price")]
    [InlineData("0.000000", "", "invalid_value:price")]
    [InlineData("10", "10.000001", "invalid_value:sale_price")]
    public void Price_rules(string price, string salePrice, string reason)
    {
        Assert.Equal(reason, RuleRunner.Reject(EntityKind.Products, TestRows.Product(("price", price), ("sale_price", salePrice))).Reason);
    }

    [Fact]
    public void Sale_price_zero_and_equal_to_price_are_valid()
    {
        Assert.True(RuleRunner.Run(EntityKind.Products, TestRows.Product(("price", "0.000001"), ("sale_price", "0"))).Ok);
        Assert.True(RuleRunner.Run(EntityKind.Products, TestRows.Product(("price", "10"), ("sale_price", "010.000000"))).Ok);
    }

    [Theory]
    [InlineData("2024-03-31", "20240331", true)]
    [InlineData("20240331", "2024-03-30", false)]
    public void End_date_compares_dates_in_either_form(string start, string end, bool valid)
    {
        var (ok, _, rejection) = RuleRunner.Run(EntityKind.Campaigns, TestRows.Campaign(("start_date", start), ("end_date", end)));
        Assert.Equal(valid, ok);
        if (!valid) Assert.Equal("invalid_value:end_date", rejection.Reason);
    }

    [Theory]
    [InlineData("ON_HOLD", "paused")]
    [InlineData("Deleted", "archived")]
    [InlineData("PENDING", "draft")]
    [InlineData("1", "active")]
    [InlineData("0", "paused")]
    public void Status_map(string raw, string stored)
    {
        var (ok, record, rejection) = RuleRunner.Run(EntityKind.Campaigns, TestRows.Campaign(("status", raw)));
        Assert.True(ok, rejection.Detail);
        Assert.Equal(stored, ((CampaignRecord)record!).Status);
    }

    [Theory]
    [InlineData("on hold")]
    [InlineData("01")]
    [InlineData("true")]
    [InlineData("actives")]
    public void Status_outside_the_map(string raw)
    {
        Assert.Equal("invalid_value:status", RuleRunner.Reject(EntityKind.Campaigns, TestRows.Campaign(("status", raw))).Reason);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Through the readers: precedence, line numbers, NDJSON value kinds
    // ---------------------------------------------------------------------------------------------------------------

    private const string PerfCsvHeader = "campaign_id,merchant_id,date,impressions,clicks,cost";

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void Csv_precedence_encoding_then_structure_then_scope_then_fields(int chunk, bool gzip)
    {
        var csv = PerfCsvHeader + "\n"
            + "c1,other,2024-03-01,1,0,1<FF>\n" // line 2: out of scope, but invalid UTF-8
            + "c1,other,2024-03-01,1,0\n" // line 3: out of scope, but a field short
            + "c1,other\"x,2024-03-01,1,0,1\n" // line 4: out of scope, but a quote inside an unquoted field
            + "c1,?? not an id,bad,bad,bad,bad\n" // line 5: out of scope: skipped, nothing checked
            + "c1,m1,bad,1,0,1\n" // line 6: in scope: invalid_value:date
            + "c1, \u00A0 ,2024-03-01,1,0,1\n"; // line 7: empty merchant: not skipped, missing_field

        var outcomes = Classify(csv, "campaign_performance.csv", EntitySchema.CampaignPerformance, ["m1"], chunk: chunk, gzip: gzip);

        Assert.Equal(
            ["L2 Rejected invalid_encoding", "L3 Rejected malformed_row", "L4 Rejected malformed_row", "L5 OutOfScope ", "L6 Rejected invalid_value:date",
             "L7 Rejected missing_field:merchant_id"],
            outcomes.Select(Show));
    }

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void Csv_unclosed_quote_swallows_invalid_utf8_later_in_the_file_as_one_invalid_encoding_record(int chunk, bool gzip)
    {
        var csv = PerfCsvHeader + "\r"
            + "c1,m1,2024-03-01,1,0,1\r" // line 2
            + "c2,m1,\"2024-03-01,1,0,1\r" // line 3: opens a quote never closed
            + "c3,m1,2024-03-01,1,0,1\r\r" // lines 4-5
            + "c4,<C3>,2024-03-01,1,0,1\r"; // line 6: invalid UTF-8, inside the unclosed record

        var outcomes = Classify(csv, "campaign_performance.csv", EntitySchema.CampaignPerformance, chunk: chunk, gzip: gzip);

        Assert.Equal(["L2 Valid ", "L3 Rejected invalid_encoding"], outcomes.Select(Show));
    }

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void Csv_multiline_quoted_record_with_cr_only_breaks_and_invalid_utf8_on_its_third_line_starts_where_it_starts(int chunk, bool gzip)
    {
        var csv = "\n" + PerfCsvHeader + "\r\n" // header on line 2
            + "\r" // line 3 empty
            + "c1,m1,2024-03-01,1,0,\"1\r\r<E2><82>\"\n" // record on lines 4-6
            + "c2,m1,2024-03-01,1,0,1\n"; // line 7

        var outcomes = Classify(csv, "campaign_performance.csv", EntitySchema.CampaignPerformance, chunk: chunk, gzip: gzip);

        Assert.Equal(["L4 Rejected invalid_encoding", "L7 Valid "], outcomes.Select(Show));
    }

    [Fact]
    public void Csv_header_names_trimmed_of_unicode_space_and_quoted_in_any_order()
    {
        var csv = "\"\u3000cost\u00A0\",\u2003campaign_id , merchant_id,date,impressions,clicks,\u2028conversions\u2029\n"
            + "1.5,c1,m1,20240301,10,10,\n";

        var outcome = Assert.Single(Classify(csv, "campaign_performance.csv", EntitySchema.CampaignPerformance)).Outcome;

        Assert.Equal(RecordFate.Valid, outcome.Fate);
        var record = (PerformanceRecord)outcome.Record!;
        Assert.Equal((1_500_000L, 10L, 0L), (record.CostMicros, record.Clicks, record.Conversions));
    }

    [Fact]
    public void Csv_header_name_in_another_case_is_a_missing_column_and_fails_the_file()
    {
        var csv = "Campaign_id,merchant_id,date,impressions,clicks,cost\nc1,m1,2024-03-01,1,0,1\n";
        Assert.Throws<ExportFileException>(() => Classify(csv, "campaign_performance.csv", EntitySchema.CampaignPerformance));
    }

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void Ndjson_bom_first_line_whitespace_lines_numbers_null_and_literals(int chunk, bool gzip)
    {
        var ndjson = "<EF><BB><BF>{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"date\":\"20240301\",\"impressions\":10,\"clicks\":10,\"cost\":0.000001,\"conversions\":null}\r\n"
            + "\u3000\u0085\t\n" // line 2: blank (Unicode White_Space only)
            + "{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"date\":\"2024-03-01\",\"impressions\":1e3,\"clicks\":0,\"cost\":1}\n" // line 3
            + "[{\"campaign_id\":\"c1\"}]\n" // line 4: an array
            + "{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"date\":\"2024-03-01\",\"impressions\":10.0,\"clicks\":0,\"cost\":1}\n" // line 5
            + "{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"date\":\"2024-03-01\",\"impressions\":10,\"clicks\":0,\"cost\":1} x\n" // line 6
            + "{\"campaign_id\":\"c1\",\"merchant_id\":null,\"date\":\"2024-03-01\",\"impressions\":10,\"clicks\":0,\"cost\":1}\n" // line 7
            + "{\"campaign_id\":123,\"merchant_id\":\"m1\",\"date\":\"2024-03-01\",\"impressions\":10,\"clicks\":0,\"cost\":-0}\n"; // line 8

        var outcomes = Classify(ndjson, "campaign_performance.ndjson", EntitySchema.CampaignPerformance, chunk: chunk, gzip: gzip);

        Assert.Equal(
            ["L1 Valid ", "L3 Rejected invalid_value:impressions", "L4 Rejected malformed_row", "L5 Rejected invalid_value:impressions",
             "L6 Rejected malformed_row", "L7 Rejected missing_field:merchant_id", "L8 Rejected invalid_value:cost"],
            outcomes.Select(Show));
        var first = (PerformanceRecord)outcomes[0].Outcome.Record!;
        Assert.Equal((new DateOnly(2024, 3, 1), 1L, 0L), (first.Date, first.CostMicros, first.Conversions));
    }

    [Fact]
    public void Ndjson_merchant_given_as_a_number_is_matched_by_its_literal_text()
    {
        var ndjson = "{\"campaign_id\":\"c1\",\"merchant_id\":123,\"date\":\"2024-03-01\",\"impressions\":1,\"clicks\":0,\"cost\":1}\n"
            + "{\"campaign_id\":\"c1\",\"merchant_id\":123.0,\"date\":\"2024-03-01\",\"impressions\":1,\"clicks\":0,\"cost\":1}\n";

        var outcomes = Classify(ndjson, "campaign_performance.ndjson", EntitySchema.CampaignPerformance, ["123"]);

        Assert.Equal(["L1 Valid ", "L2 OutOfScope "], outcomes.Select(Show));
    }

    [Fact]
    public void Ndjson_object_and_boolean_values_are_their_json_text()
    {
        var ndjson = "{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"campaign_name\":true,\"status\":1,\"daily_budget\":\"1\","
            + "\"currency\":\"usd\",\"start_date\":\"2024-03-01\",\"targeting_json\":{\"geo\": [\"US\", {\"x\":null}]},"
            + "\"last_modified\":\"2024-03-01 00:00:00\"}\n"
            + "{\"campaign_id\":\"c2\",\"merchant_id\":\"m1\",\"campaign_name\":\"n\",\"status\":\"active\",\"daily_budget\":\"1\","
            + "\"currency\":\"usd\",\"start_date\":\"2024-03-01\",\"targeting_json\":[1],\"last_modified\":\"2024-03-01 00:00:00\"}\n";

        var outcomes = Classify(ndjson, "campaigns.ndjson", EntitySchema.Campaigns);

        Assert.Equal(["L1 Valid ", "L2 Rejected invalid_value:targeting_json"], outcomes.Select(Show));
        var campaign = (CampaignRecord)outcomes[0].Outcome.Record!;
        Assert.Equal(("true", "active", "{\"geo\": [\"US\", {\"x\":null}]}"), (campaign.Name, campaign.Status, campaign.TargetingJson));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Whole stream, one byte per read, 3 bytes per read (splits CRLF and BOM), and gzip.</summary>
    public static TheoryData<int, bool> Deliveries => new() { { 0, false }, { 1, false }, { 3, false }, { 0, true } };

    private static List<(long Line, RecordOutcome Outcome)> Classify(string text, string fileName, EntitySchema schema,
        IReadOnlyCollection<string>? scope = null, int chunk = 0, bool gzip = false)
    {
        var classifier = new RecordClassifier(schema, scope is null ? NoScope : scope.ToHashSet(StringComparer.Ordinal));
        var bytes = Bytes(text);
        var records = gzip
            ? ReadAll(Gzip(bytes), fileName + ".gz", schema)
            : ReadAll(bytes, fileName, schema, chunk: chunk == 0 ? null : chunk);
        return [.. records.Select(r => (r.Line, classifier.Classify(r)))];
    }

    private static string Show((long Line, RecordOutcome Outcome) o) =>
        $"L{o.Line} {o.Outcome.Fate} {(o.Outcome.Fate == RecordFate.Rejected ? o.Outcome.Rejection.Reason : "")}";

    private static char GtinCheckDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var weight = (body.Length - i) % 2 == 1 ? 3 : 1; // rightmost body digit weighs 3
            sum += (body[i] - '0') * weight;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }
}
