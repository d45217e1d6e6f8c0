using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>
/// The keys an extraction has seen, in fixed memory (a Bloom filter of 16 MiB): <see cref="Add(string)"/> tells whether
/// a key may have come before. It never answers "new" for a key that did come before, so every record after the first
/// of its key is flagged; a new key is wrongly flagged now and then (30 of 5 million distinct keys, measured by its
/// test), which only costs the resolver a little work. Staging keeps the flag per row, so resolving superseding
/// duplicates (rule 5) sorts the rows of flagged keys instead of every row.
/// </summary>
/// <remarks>
/// Blocked: all of a key's bits lie in one 64-byte block, aligned to a cache line, so adding a key costs one cache miss
/// instead of one per bit. The filter was the reader thread's largest single cost in <c>perf</c> (4% of all CPU samples
/// of a 500,000-record extraction); blocked, 500,000 keys take 94 ms instead of 139 ms (warm), most of it the one cache
/// and TLB miss left per key, and 8 bits per key instead of 4 flag 30 new keys of 5 million instead of 392.
/// The 16 MiB of the default size are reused: <see cref="Dispose"/> clears them and keeps them for the next filter (up
/// to <see cref="PoolLimit"/> such arrays). Allocated anew for every extraction, they set off a full blocking
/// collection of the silo's heap each time (16 MiB is past the large-object budget), 50-65 ms of pause per entity read.
/// </remarks>
public sealed class DuplicateKeyFilter : IDisposable
{
    /// <summary>2^27 bits: 16 MiB, whatever the export's size.</summary>
    public const int DefaultBits = 1 << 27;

    private const int Probes = 8;
    private const int WordsPerBlock = 8;

    private readonly ulong[] _words;
    private readonly int _offset;
    private readonly ulong _blockMask;
    private readonly XxHash3 _hash = new();
    private bool _disposed;

    /// <summary>Cleared arrays of the default size that disposed filters left for the next ones.</summary>
    private static readonly ConcurrentQueue<ulong[]> Pool = new();
    private static int _pooled;

    /// <summary>Default-size arrays kept between extractions at most (16 MiB each); more extractions at once allocate their own.</summary>
    public const int PoolLimit = 2;

    public DuplicateKeyFilter(int bits = DefaultBits)
    {
        if (bits < 512 || (bits & (bits - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(bits), "a power of two, at least 512");
        if (bits == DefaultBits && Pool.TryDequeue(out var cleared))
        {
            Interlocked.Decrement(ref _pooled);
            _words = cleared;
        }
        else
        {
            // Pinned (it never moves), with room to start the first block on a cache-line boundary.
            _words = GC.AllocateArray<ulong>(bits / 64 + WordsPerBlock, pinned: true);
        }
        _offset = (int)((64 - (nint)Marshal.UnsafeAddrOfPinnedArrayElement(_words, 0) % 64) % 64 / 8);
        _blockMask = (ulong)(bits / 512) - 1;
    }

    /// <summary>Adds a one-part key; true when it may have been added before.</summary>
    public bool Add(string key) => Add(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan())));

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
        // The low bits pick the block; a multiply-add sequence seeded with the whole hash picks the bits within it (its
        // top 9 bits each step), so two keys of a block share their pattern only if their 64-bit hashes are equal.
        ref var block = ref _words[_offset + (int)(hash & _blockMask) * WordsPerBlock];
        var x = hash;
        var seen = true;
        for (var i = 0; i < Probes; i++)
        {
            x = (x * 0x9E3779B97F4A7C15UL) + 0x632BE59BD9B4E019UL;
            var bit = (uint)(x >> 55);
            ref var word = ref Unsafe.Add(ref block, (int)(bit >> 6));
            var m = 1UL << (int)(bit & 63);
            if ((word & m) == 0)
            {
                seen = false;
                word |= m;
            }
        }
        return seen;
    }

    /// <summary>Clears the default-size array and keeps it for the next filter (when fewer than <see cref="PoolLimit"/> are kept). The filter is not used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_words.Length != DefaultBits / 64 + WordsPerBlock) return;
        if (Interlocked.Increment(ref _pooled) > PoolLimit)
        {
            Interlocked.Decrement(ref _pooled);
            return;
        }
        Array.Clear(_words);
        Pool.Enqueue(_words);
    }
}
