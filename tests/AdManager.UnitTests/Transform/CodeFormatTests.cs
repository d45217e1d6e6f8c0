using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class CodeFormatTests
{
    [Theory]
    [InlineData("USD", "USD")]
    [InlineData("usd", "USD")]
    [InlineData("Eur", "EUR")]
    [InlineData("jPy", "JPY")]
    [InlineData("XAU", "XAU")]
    [InlineData("xag", "XAG")]
    [InlineData("XPD", "XPD")]
    [InlineData("XPT", "XPT")]
    [InlineData("XDR", "XDR")]
    [InlineData("XBA", "XBA")]
    [InlineData("XBB", "XBB")]
    [InlineData("XBC", "XBC")]
    [InlineData("XBD", "XBD")]
    [InlineData("XSU", "XSU")]
    [InlineData("XUA", "XUA")]
    [InlineData("XTS", "XTS")]
    [InlineData("xxx", "XXX")]
    [InlineData("XAF", "XAF")]
    [InlineData("XOF", "XOF")]
    [InlineData("XCD", "XCD")]
    [InlineData("XPF", "XPF")]
    [InlineData("XCG", "XCG")] // replaced ANG in 2025
    [InlineData("ZWG", "ZWG")] // replaced ZWL in 2024
    [InlineData("XAD", "XAD")] // amendment 179
    [InlineData("SLE", "SLE")]
    [InlineData("VES", "VES")]
    [InlineData("VED", "VED")]
    [InlineData("CHE", "CHE")]
    [InlineData("USN", "USN")]
    [InlineData("UYW", "UYW")]
    public void Currency_is_a_current_iso_4217_code_stored_upper_case(string value, string code)
    {
        Assert.True(Formats.TryCurrency(value, out var parsed, out _));
        Assert.Equal(code, parsed);
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("US")]
    [InlineData("USDD")]
    [InlineData("U$D")]
    [InlineData("ＵＳＤ")]
    [InlineData("HRK")]
    [InlineData("ANG")]
    [InlineData("BGN")]
    [InlineData("CUC")]
    [InlineData("SLL")]
    [InlineData("ZWL")]
    [InlineData("VEF")]
    [InlineData("MRO")]
    [InlineData("STD")]
    [InlineData("BYR")]
    [InlineData("LTL")]
    [InlineData("LVL")]
    [InlineData("EEK")]
    [InlineData("DEM")]
    [InlineData("USS")]
    [InlineData("XFU")]
    [InlineData("EU")]
    public void Currency_rejects_unknown_and_withdrawn_codes(string value)
    {
        Assert.False(Formats.TryCurrency(value, out _, out var detail));
        Assert.Equal($"'{value}' is not an ISO 4217 currency code", detail);
    }

    [Fact]
    public void Currency_list_holds_the_178_codes_of_list_one()
    {
        Assert.Equal(178, Iso4217.All.Count);
        Assert.All(Iso4217.All, c => Assert.Matches("^[A-Z]{3}$", c));
    }

    [Theory]
    [InlineData("US", "US")]
    [InlineData("us", "US")]
    [InlineData("Gb", "GB")]
    [InlineData("de", "DE")]
    [InlineData("AX", "AX")]
    [InlineData("BQ", "BQ")]
    [InlineData("CW", "CW")]
    [InlineData("SS", "SS")]
    [InlineData("SX", "SX")]
    [InlineData("AQ", "AQ")]
    [InlineData("UM", "UM")]
    [InlineData("ps", "PS")]
    public void Country_is_an_assigned_iso_3166_alpha_2_code_stored_upper_case(string value, string code)
    {
        Assert.True(Formats.TryCountry(value, out var parsed, out _));
        Assert.Equal(code, parsed);
    }

    [Theory]
    [InlineData("XK")]
    [InlineData("UK")]
    [InlineData("EU")]
    [InlineData("AN")]
    [InlineData("YU")]
    [InlineData("ZZ")]
    [InlineData("AA")]
    [InlineData("QO")]
    [InlineData("USA")]
    [InlineData("U")]
    [InlineData("U5")]
    [InlineData("ＵＳ")]
    public void Country_rejects_user_assigned_reserved_and_malformed_codes(string value)
    {
        Assert.False(Formats.TryCountry(value, out _, out var detail));
        Assert.Equal($"'{value}' is not an ISO 3166-1 alpha-2 country code", detail);
    }

    [Fact]
    public void Country_list_holds_the_249_assigned_codes()
    {
        Assert.Equal(249, Iso3166.All.Count);
        Assert.All(Iso3166.All, c => Assert.Matches("^[A-Z]{2}$", c));
    }

    [Theory]
    [InlineData("active", "active")]
    [InlineData("ACTIVE", "active")]
    [InlineData("enabled", "active")]
    [InlineData("Enabled", "active")]
    [InlineData("running", "active")]
    [InlineData("RUNNING", "active")]
    [InlineData("1", "active")]
    [InlineData("paused", "paused")]
    [InlineData("Paused", "paused")]
    [InlineData("on_hold", "paused")]
    [InlineData("ON_HOLD", "paused")]
    [InlineData("0", "paused")]
    [InlineData("archived", "archived")]
    [InlineData("ended", "archived")]
    [InlineData("Removed", "archived")]
    [InlineData("DELETED", "archived")]
    [InlineData("draft", "draft")]
    [InlineData("Pending", "draft")]
    public void Status_spellings_map_to_four_statuses(string value, string status)
    {
        Assert.True(Formats.TryStatus(value, out var parsed, out _));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("live")]
    [InlineData("actives")]
    [InlineData("on hold")]
    [InlineData("on-hold")]
    [InlineData("onhold")]
    [InlineData("2")]
    [InlineData("01")]
    [InlineData("true")]
    [InlineData("activé")]
    [InlineData("actıve")] // dotless i is not ASCII
    [InlineData("pauſed")] // nor is the long s
    public void Status_rejects_anything_outside_the_map(string value)
    {
        Assert.False(Formats.TryStatus(value, out _, out var detail));
        Assert.Equal($"'{value}' is not a known status", detail);
    }

    [Theory]
    [InlineData("in_stock", "in_stock")]
    [InlineData("In Stock", "in_stock")]
    [InlineData("IN_STOCK", "in_stock")]
    [InlineData("in stock", "in_stock")]
    [InlineData("out_of_stock", "out_of_stock")]
    [InlineData("Out of Stock", "out_of_stock")]
    [InlineData("out_of stock", "out_of_stock")]
    [InlineData("preorder", "preorder")]
    [InlineData("PreOrder", "preorder")]
    [InlineData("backorder", "backorder")]
    [InlineData("BACKORDER", "backorder")]
    public void Availability_is_case_insensitive_and_a_space_may_stand_for_underscore(string value, string availability)
    {
        Assert.True(Formats.TryAvailability(value, out var parsed, out _));
        Assert.Equal(availability, parsed);
    }

    [Theory]
    [InlineData("in  stock")]
    [InlineData("in-stock")]
    [InlineData("instock")]
    [InlineData("in\tstock")]
    [InlineData("in\u00A0stock")]
    [InlineData("in_stock_")]
    [InlineData("out of  stock")]
    [InlineData("pre order")]
    [InlineData("pre_order")]
    [InlineData("back order")]
    [InlineData("available")]
    [InlineData("ın stock")]
    public void Availability_tolerates_nothing_else(string value)
    {
        Assert.False(Formats.TryAvailability(value, out _, out var detail));
        Assert.EndsWith("' is not in_stock, out_of_stock, preorder or backorder", detail);
    }

    [Theory]
    [InlineData("96385074")] // GTIN-8
    [InlineData("73513537")]
    [InlineData("00000000")]
    [InlineData("036000291452")] // GTIN-12 (UPC-A)
    [InlineData("012345678905")]
    [InlineData("4006381333931")] // GTIN-13 (EAN-13)
    [InlineData("5901234123457")]
    [InlineData("10012345678902")] // GTIN-14
    [InlineData("95011015310006")]
    public void Gtin_with_a_valid_gs1_check_digit_is_accepted(string value)
    {
        Assert.True(Formats.TryGtin(value, out var detail), detail);
    }

    [Theory]
    [InlineData("96385073", "check digit 3, expected 4")]
    [InlineData("036000291453", "check digit 3, expected 2")]
    [InlineData("4006381333932", "check digit 2, expected 1")]
    [InlineData("10012345678900", "check digit 0, expected 2")]
    [InlineData("1234567", "7 digits, a GTIN has 8, 12, 13 or 14")]
    [InlineData("123456789", "9 digits, a GTIN has 8, 12, 13 or 14")]
    [InlineData("12345678901", "11 digits, a GTIN has 8, 12, 13 or 14")]
    [InlineData("123456789012345", "15 digits, a GTIN has 8, 12, 13 or 14")]
    [InlineData("4006381-333931", "'4006381-333931' is not all digits")]
    [InlineData("40063813339３1", "'40063813339３1' is not all digits")]
    public void Gtin_detail_names_the_check_digit_found_and_expected(string value, string detail)
    {
        Assert.False(Formats.TryGtin(value, out var actual));
        Assert.Equal(detail, actual);
    }
}
