namespace AdManager.Grains.Stores.Postgres;

/// <summary>PostgreSQL text cannot hold U+0000; raw keys and details quoted from bad records can.</summary>
internal static class PgText
{
    public static string Safe(string value) => value.Contains('\0') ? value.Replace("\0", "\\u0000", StringComparison.Ordinal) : value;
}
