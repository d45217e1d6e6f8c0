using System.Collections.Frozen;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>
/// The alphabetic codes of ISO 4217 List One (currencies and funds) in force on 2026-11-28: the SIX list
/// published 2026-01-01 with amendments up to 180, 178 codes.
/// </summary>
/// <remarks>
/// Borderline codes, decided on that date:
/// <list type="bullet">
/// <item>Included: XCG (Caribbean guilder, amendment 176, in use since 2025-03-31); ZWG (Zimbabwe Gold,
/// amendment 177, 2024); XAD (Arab Accounting Dinar, amendment 179, 2025); SLE and VED (current, beside VES);
/// all X-codes still on List One: XAU XAG XPD XPT XDR XBA XBB XBC XBD XSU XUA XTS XXX XAF XOF XCD XPF; the fund
/// codes BOV CHE CHW CLF COU MXV USN UYI UYW (List One carries them, so a record may too).</item>
/// <item>Excluded as withdrawn (List Three): ANG (replaced by XCG, no longer legal tender since 2025-07-01);
/// BGN (Bulgaria adopted the euro on 2026-01-01, amendment 180); CUC (amendment 178); SLL (replaced by SLE);
/// ZWL (replaced by ZWG); HRK (euro, 2023); and the older VEF, MRO, STD, BYR, LTL, LVL, EEK, ZMK, XFU, USS, ...</item>
/// </list>
/// When the list changes, this set changes with it; the tests name the borderline codes.
/// </remarks>
public static class Iso4217
{
    private static readonly string[] Codes =
    [
        "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN",
        "BAM", "BBD", "BDT", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
        "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK",
        "DJF", "DKK", "DOP", "DZD",
        "EGP", "ERN", "ETB", "EUR",
        "FJD", "FKP",
        "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD",
        "HKD", "HNL", "HTG", "HUF",
        "IDR", "ILS", "INR", "IQD", "IRR", "ISK",
        "JMD", "JOD", "JPY",
        "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
        "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
        "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN",
        "NAD", "NGN", "NIO", "NOK", "NPR", "NZD",
        "OMR",
        "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
        "QAR",
        "RON", "RSD", "RUB", "RWF",
        "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL",
        "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
        "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS",
        "VED", "VES", "VND", "VUV",
        "WST",
        "XAD", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF", "XPT",
        "XSU", "XTS", "XUA", "XXX",
        "YER",
        "ZAR", "ZMW", "ZWG",
    ];

    private static readonly FrozenSet<string> Set = Codes.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Set.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Every code, upper-case.</summary>
    public static IReadOnlyCollection<string> All => Set;

    /// <summary>The upper-case code for an ASCII, case-insensitive spelling of a current code; false otherwise.</summary>
    public static bool TryGet(ReadOnlySpan<char> value, out string code) => CodeTable.TryGet(Lookup, value, 3, out code);
}
