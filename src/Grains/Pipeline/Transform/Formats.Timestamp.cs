namespace AdManager.Grains.Pipeline.Transform;

public static partial class Formats
{
    private const string TimestampShape = "yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:mm|-HH:mm) or yyyy-MM-dd HH:mm:ss";

    /// <summary>
    /// timestamp: exactly <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|+HH:mm|-HH:mm)</c> (<c>T</c> and <c>Z</c> in either
    /// case, a fraction of 1 or more digits) or exactly <c>yyyy-MM-dd HH:mm:ss</c> read as UTC. Returns the
    /// instant with offset zero.
    /// </summary>
    /// <remarks>
    /// Decisions where the spec is silent:
    /// <list type="bullet">
    /// <item>The date part follows the date rules (years 0001-9999, a real calendar date); hours 00-23, minutes
    /// and seconds 00-59 (no leap second, no 24:00).</item>
    /// <item>Offsets are <c>HH:mm</c> with HH 00-23 and mm 00-59; <c>-00:00</c> is UTC. Offsets beyond .NET's
    /// ±14:00 are fine because the UTC instant is computed here, not by <see cref="DateTimeOffset"/>.</item>
    /// <item>The instant holds the fraction to the 7th digit (100 ns ticks), truncated, never rounded; the digits
    /// beyond it still order two instants (<see cref="FractionBeyondTicks"/>), so no two different instants tie.</item>
    /// <item>An instant outside 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.9999999Z is invalid.</item>
    /// </list>
    /// </remarks>
    public static bool TryTimestamp(string value, out DateTimeOffset instant, out string detail)
    {
        instant = default;
        var s = value.AsSpan();
        if (s.Length < 19
            || !Digits(s[..4], out var year) || s[4] != '-'
            || !Digits(s.Slice(5, 2), out var month) || s[7] != '-'
            || !Digits(s.Slice(8, 2), out var day)
            || s[10] is not ('T' or 't' or ' ')
            || !Digits(s.Slice(11, 2), out var hour) || s[13] != ':'
            || !Digits(s.Slice(14, 2), out var minute) || s[16] != ':'
            || !Digits(s.Slice(17, 2), out var second))
        {
            return NotTimestamp(value, out detail);
        }

        long fractionTicks = 0;
        long offsetTicks = 0;
        var rest = s[19..];
        if (s[10] == ' ')
        {
            if (!rest.IsEmpty)
            {
                return NotTimestamp(value, out detail);
            }
        }
        else
        {
            if (!rest.IsEmpty && rest[0] == '.')
            {
                var digits = 1;
                while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
                {
                    digits++;
                }

                if (digits == 1)
                {
                    return NotTimestamp(value, out detail);
                }

                for (var i = 1; i <= 7; i++)
                {
                    fractionTicks = (fractionTicks * 10) + (i < digits ? rest[i] - '0' : 0);
                }

                rest = rest[digits..];
            }

            if (rest is ['Z' or 'z'])
            {
                offsetTicks = 0;
            }
            else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
                     && Digits(rest.Slice(1, 2), out var offsetHours) && Digits(rest.Slice(4, 2), out var offsetMinutes))
            {
                if (offsetHours > 23 || offsetMinutes > 59)
                {
                    detail = $"{Quote.Value(value)} has an offset outside 00:00-23:59";
                    return false;
                }

                offsetTicks = (offsetHours * TimeSpan.TicksPerHour) + (offsetMinutes * TimeSpan.TicksPerMinute);
                if (rest[0] == '-')
                {
                    offsetTicks = -offsetTicks;
                }
            }
            else
            {
                return NotTimestamp(value, out detail);
            }
        }

        if (!IsRealDate(year, month, day))
        {
            detail = $"{Quote.Value(value)} is not a real calendar date";
            return false;
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            detail = $"{Quote.Value(value)} is not a time of day (hours 00-23, minutes and seconds 00-59)";
            return false;
        }

        var local = new DateOnly(year, month, day).DayNumber * TimeSpan.TicksPerDay
                    + (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute)
                    + (second * TimeSpan.TicksPerSecond) + fractionTicks;
        var utc = local - offsetTicks;
        if (utc < 0 || utc > DateTime.MaxValue.Ticks)
        {
            detail = $"{Quote.Value(value)} is outside 0001-01-01 .. 9999-12-31 UTC";
            return false;
        }

        instant = new DateTimeOffset(utc, TimeSpan.Zero);
        detail = "";
        return true;
    }

    /// <summary>
    /// The fraction digits of a valid <paramref name="timestamp"/> beyond the 7th, without trailing zeros; null when there
    /// are none. With the instant's ticks they order timestamps exactly, whatever their precision: for two instants with
    /// the same ticks, the one whose digits compare greater as text (ordinal: digits only) is later, and equal digits (or
    /// none on both) are the same instant (<c>.000000010</c> equals <c>.00000001</c>).
    /// </summary>
    public static string? FractionBeyondTicks(string timestamp)
    {
        var s = timestamp.AsSpan().Trim();
        if (s.Length <= 27 || s[10] == ' ' || s[19] != '.') return null;
        var digits = s[20..];
        var end = 0;
        while (end < digits.Length && char.IsAsciiDigit(digits[end])) end++;
        var beyond = digits[..end];
        if (beyond.Length <= 7) return null;
        beyond = beyond[7..].TrimEnd('0');
        return beyond.IsEmpty ? null : beyond.ToString();
    }

    private static bool NotTimestamp(string value, out string detail)
    {
        detail = $"{Quote.Value(value)} is not a timestamp: {TimestampShape}";
        return false;
    }
}
