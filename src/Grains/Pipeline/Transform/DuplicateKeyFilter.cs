using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>
/// The keys an extraction has seen, in fixed memory (a Bloom filter of 16 MiB): <see cref="Add(string)"/> tells whether
/// a key may have come before. It never answers "new" for a key that did come before, so every record after the first
/// of its key is flagged; a new key is wrongly flagged now and then (about 1 in 3,000 at 5 million keys), which only
/// costs the resolver a little work. Staging keeps the flag per row, so resolving superseding duplicates (rule 5) sorts
/// the rows of flagged keys instead of every row of the job.
/// </summary>
public sealed class DuplicateKeyFilter
{
    /// <summary>2^27 bits: 16 MiB, whatever the export's size.</summary>
    public const int DefaultBits = 1 << 27;

    private const int Probes = 4;

    private readonly ulong[] _words;
    private readonly ulong _mask;
    private readonly XxHash3 _hash = new();

    public DuplicateKeyFilter(int bits = DefaultBits)
    {
        if (bits < 64 || (bits & (bits - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(bits), "a power of two, at least 64");
        _words = new ulong[bits / 64];
        _mask = (ulong)bits - 1;
    }

    /// <summary>Adds a one-part key; true when it may have been added before.</summary>
    public bool Add(string key)
    {
        _hash.Reset();
        _hash.Append(MemoryMarshal.AsBytes(key.AsSpan()));
        return Add(_hash.GetCurrentHashAsUInt64());
    }

    /// <summary>Adds a two-part key; true when it may have been added before.</summary>
    public bool Add(string first, string second)
    {
        _hash.Reset();
        _hash.Append(MemoryMarshal.AsBytes(first.AsSpan()));
        _hash.Append([0, 0]);
        _hash.Append(MemoryMarshal.AsBytes(second.AsSpan()));
        return Add(_hash.GetCurrentHashAsUInt64());
    }

    /// <summary>Adds a key of text and a date; true when it may have been added before.</summary>
    public bool Add(string first, DateOnly second)
    {
        _hash.Reset();
        _hash.Append(MemoryMarshal.AsBytes(first.AsSpan()));
        _hash.Append([0, 0]);
        var day = second.DayNumber;
        _hash.Append(MemoryMarshal.AsBytes(new ReadOnlySpan<int>(in day)));
        return Add(_hash.GetCurrentHashAsUInt64());
    }

    private bool Add(ulong hash)
    {
        // Double hashing: probe i is h1 + i * h2, from the two halves of one 64-bit hash.
        var h1 = (uint)hash;
        var h2 = (uint)(hash >> 32) | 1;
        var seen = true;
        for (var i = 0; i < Probes; i++)
        {
            var bit = (h1 + (ulong)i * h2) & _mask;
            ref var word = ref _words[bit >> 6];
            var m = 1UL << (int)(bit & 63);
            if ((word & m) == 0)
            {
                seen = false;
                word |= m;
            }
        }
        return seen;
    }
}
