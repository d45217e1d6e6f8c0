namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The batches of an entity as ranges of staging row numbers (seq): rows <c>0 .. staged-1</c> less the excluded ones
/// (superseded or rejected while resolving), cut into runs of <c>batchSize</c> loaded rows in seq order. Batch n is
/// <c>[First, Last]</c>, holding exactly batchSize loaded rows (the last batch the remainder). Runs in the excluded
/// rows' count plus the batches' count, whatever the staged count.
/// </summary>
internal static class StagedBatchRanges
{
    public static List<(long First, long Last)> Compute(long staged, IReadOnlyCollection<long> excluded, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(staged);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var skip = excluded.Order().ToArray();
        if (skip.Length > 0 && (skip[0] < 0 || skip[^1] >= staged || skip.Distinct().Count() != skip.Length))
        {
            throw new ArgumentException("excluded rows must be distinct staged row numbers", nameof(excluded));
        }
        var loaded = staged - skip.Length;
        var ranges = new List<(long, long)>((int)Math.Min(int.MaxValue, (loaded + batchSize - 1) / batchSize));
        var passed = 0;
        // The seq of the loaded row with ordinal o: o plus the excluded rows at or before it. Ordinals only grow, so the
        // count of excluded rows passed only grows too.
        long SeqOf(long ordinal)
        {
            while (passed < skip.Length && skip[passed] <= ordinal + passed) passed++;
            return ordinal + passed;
        }
        for (long first = 0; first < loaded; first += batchSize)
        {
            var last = Math.Min(first + batchSize, loaded) - 1;
            ranges.Add((SeqOf(first), SeqOf(last)));
        }
        return ranges;
    }
}
