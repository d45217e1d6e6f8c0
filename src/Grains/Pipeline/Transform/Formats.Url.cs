namespace AdManager.Grains.Pipeline.Transform;

public static partial class Formats
{
    /// <summary>
    /// url: scheme <c>http</c> or <c>https</c> (any case) then <c>://</c>, a non-empty host, a valid port if
    /// given, and no whitespace (Unicode White_Space) or control characters anywhere. Stored as given.
    /// </summary>
    /// <remarks>
    /// Decisions where the spec is silent:
    /// <list type="bullet">
    /// <item>The authority ends at the first <c>/</c>, <c>?</c> or <c>#</c>; userinfo before its last <c>@</c> is
    /// allowed and is not the host.</item>
    /// <item>The host is only required to be non-empty; a bracketed IPv6 literal (<c>[::1]</c>) must be closed and
    /// non-empty, its content is not checked further. Non-ASCII hosts (IDN) pass as given.</item>
    /// <item>A port is 1 or more ASCII digits with a value 0-65535 (RFC 3986 and WHATWG allow 0 and leading
    /// zeros). A <c>:</c> with no digits after it (<c>http://host:/</c>) is invalid: a colon announces a port.</item>
    /// <item>An unpaired surrogate anywhere is invalid: it is not text and cannot be stored as UTF-8.</item>
    /// </list>
    /// </remarks>
    public static bool TryUrl(string value, out string detail)
    {
        var s = value.AsSpan();
        int authorityStart;
        if (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            authorityStart = 7;
        }
        else if (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            authorityStart = 8;
        }
        else
        {
            detail = $"{Quote.Value(value)} does not start with http:// or https://";
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                detail = $"{Quote.Value(value)} has whitespace or a control character ({Quote.CodePoint(c)}) at position {i + 1}";
                return false;
            }
        }

        if (FirstUnpairedSurrogate(s) is var bad and >= 0)
        {
            detail = $"{Quote.Value(value)} has an unpaired surrogate at position {bad + 1}";
            return false;
        }

        var authority = s[authorityStart..];
        var end = authority.IndexOfAny('/', '?', '#');
        if (end >= 0)
        {
            authority = authority[..end];
        }

        var hostPort = authority[(authority.LastIndexOf('@') + 1)..];
        ReadOnlySpan<char> host;
        ReadOnlySpan<char> afterHost;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0)
            {
                detail = $"{Quote.Value(value)} has an unclosed IPv6 host '['";
                return false;
            }

            host = hostPort.Slice(1, close - 1);
            afterHost = hostPort[(close + 1)..];
        }
        else
        {
            var colon = hostPort.IndexOf(':');
            host = colon < 0 ? hostPort : hostPort[..colon];
            afterHost = colon < 0 ? [] : hostPort[colon..];
        }

        if (host.IsEmpty)
        {
            detail = $"{Quote.Value(value)} has an empty host";
            return false;
        }

        if (!afterHost.IsEmpty)
        {
            var port = afterHost[1..];
            if (afterHost[0] != ':' || port.IsEmpty || !AllDigits(port) || !IsPortNumber(port))
            {
                detail = $"{Quote.Value(value)} has an invalid port (digits, 0-65535)";
                return false;
            }
        }

        detail = "";
        return true;
    }

    private static bool IsPortNumber(ReadOnlySpan<char> digits)
    {
        digits = digits.TrimStart('0');
        return digits.Length < 5 || (digits.Length == 5 && digits.CompareTo("65535", StringComparison.Ordinal) <= 0);
    }
}
