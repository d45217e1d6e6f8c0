using AdManager.Grains.Stores.Postgres;
using CsCheck;

namespace AdManager.UnitTests.Stores;

/// <summary>Batch ranges from the staged count and the excluded rows equal numbering every loaded row one by one.</summary>
public sealed class StagedBatchRangesTests
{
    [Fact]
    public void Ranges_equal_cutting_the_loaded_rows_in_seq_order_into_runs_of_batch_size()
    {
        // Each staged row is excluded with the case's probability (a draw per row: a set of distinct random row numbers
        // as large as the rows themselves made CsCheck's set generator give up now and then).
        var gen = Gen.Select(Gen.Int[0, 300], Gen.Int[1, 40], Gen.Double[0, 1]).SelectMany(t =>
            Gen.Double[0, 1].Array[t.Item1]
                .Select(draws => (Staged: t.Item1, BatchSize: t.Item2, Excluded: Enumerable.Range(0, t.Item1).Where(i => draws[i] < t.Item3).ToList())));
        gen.Sample(c =>
        {
            var expected = Enumerable.Range(0, c.Staged).Select(i => (long)i).Except(c.Excluded.Select(x => (long)x))
                .Chunk(c.BatchSize).Select(run => (run[0], run[^1])).ToList();

            var ranges = StagedBatchRanges.Compute(c.Staged, [.. c.Excluded.Select(x => (long)x).Reverse()], c.BatchSize);

            Assert.Equal(expected, ranges);
        }, iter: 2_000);
    }

    [Fact]
    public void Nothing_staged_or_everything_excluded_makes_no_batch()
    {
        Assert.Empty(StagedBatchRanges.Compute(0, [], 10));
        Assert.Empty(StagedBatchRanges.Compute(3, [2, 0, 1], 10));
    }

    [Fact]
    public void A_row_number_outside_the_staged_rows_or_twice_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StagedBatchRanges.Compute(3, [3], 10));
        Assert.Throws<ArgumentException>(() => StagedBatchRanges.Compute(3, [1, 1], 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => StagedBatchRanges.Compute(3, [], 0));
    }
}
