using System.Collections.Frozen;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>Case-insensitive lookup of short upper-case codes, ASCII letters only, without allocating.</summary>
internal static class CodeTable
{
    public static bool TryGet(FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> lookup, ReadOnlySpan<char> value, int length, out string code)
    {
        code = "";
        if (value.Length != length)
        {
            return false;
        }

        Span<char> upper = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            var c = value[i];
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }

            upper[i] = char.ToUpperInvariant(c);
        }

        // The set's own instance is returned, so valid rows share one string per code.
        if (!lookup.TryGetValue(upper, out var found))
        {
            return false;
        }

        code = found;
        return true;
    }
}
