namespace AdManager.Benchmarks.Export;

/// <summary>
/// SplitMix64: tiny, fast and the same on every runtime (System.Random's algorithm is not a contract).
/// Each row draws from its own stream, seeded by (export seed, entity, row), so any row can be
/// regenerated on its own: the CSV writer and the raw-store measurements see identical rows.
/// </summary>
public struct Rng(ulong state)
{
    private ulong _state = state;

    public static Rng ForRow(ulong seed, int entity, long row) =>
        new(Mix(seed ^ Mix((ulong)entity * 0x9E3779B97F4A7C15UL + (ulong)row)));

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A value in [min, max).</summary>
    public int Int(int min, int max) => min + (int)(Next() % (ulong)(max - min));

    public long Long(long min, long max) => min + (long)(Next() % (ulong)(max - min));

    /// <summary>True with probability <paramref name="perMille"/>/1000.</summary>
    public bool PerMille(int perMille) => Next() % 1000 < (ulong)perMille;

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count)];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
