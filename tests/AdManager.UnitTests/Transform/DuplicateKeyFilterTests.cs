using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class DuplicateKeyFilterTests
{
    [Fact]
    public void Every_key_added_again_is_flagged_even_when_the_filter_is_overfull()
    {
        // 4,096 bits for 20,000 keys: nearly every bit is set, yet no repeated key may ever be missed.
        var filter = new DuplicateKeyFilter(4096);
        var keys = Enumerable.Range(0, 20_000).Select(i => $"cmp-{i * 7919 % 100_003}").ToList();
        foreach (var key in keys) filter.Add(key);
        Assert.All(keys, key => Assert.True(filter.Add(key), key));
    }

    [Fact]
    public void New_keys_are_rarely_flagged_in_a_filter_of_the_default_size()
    {
        var filter = new DuplicateKeyFilter();
        var flagged = Enumerable.Range(0, 200_000).Count(i => filter.Add("cmp-" + i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(flagged < 5, $"{flagged} of 200,000 distinct keys flagged");
    }

    /// <summary>The rate the class documents (5 million distinct keys, the default 16 MiB): 30 of them, under 1 in 50,000.</summary>
    [Fact]
    public void At_five_million_distinct_keys_few_new_keys_are_flagged()
    {
        var filter = new DuplicateKeyFilter();
        var flagged = 0;
        for (var i = 0; i < 5_000_000; i++)
        {
            if (filter.Add("ac" + i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture))) flagged++;
        }
        Assert.True(flagged < 100, $"{flagged} of 5,000,000 distinct keys flagged");
    }

    [Fact]
    public void Two_part_keys_are_told_apart_by_where_the_parts_split()
    {
        var filter = new DuplicateKeyFilter();
        Assert.False(filter.Add("ab", "c"));
        Assert.False(filter.Add("a", "bc"));
        Assert.True(filter.Add("a", "bc"));
        Assert.False(filter.Add("cmp-1", new DateOnly(2024, 3, 1)));
        Assert.False(filter.Add("cmp-1", new DateOnly(2024, 3, 2)));
        Assert.True(filter.Add("cmp-1", new DateOnly(2024, 3, 1)));
        Assert.False(filter.Add("cmp-1"));
    }

    [Fact]
    public void The_size_must_be_a_power_of_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DuplicateKeyFilter(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DuplicateKeyFilter(32));
    }

    [Fact]
    public void A_disposed_filter_leaves_its_memory_cleared_for_the_next_one()
    {
        using (var first = new DuplicateKeyFilter())
        {
            for (var i = 0; i < 10_000; i++) first.Add("cmp-" + i);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        using var second = new DuplicateKeyFilter();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The 16 MiB are the first filter's, not new ones (a new array set off a full collection of the silo's heap).
        Assert.True(allocated < 1 << 20, $"{allocated:N0} bytes allocated for the second filter");
        // ...and none of the first filter's keys is in them.
        var flagged = Enumerable.Range(0, 10_000).Count(i => second.Add("cmp-" + i));
        Assert.True(flagged < 3, $"{flagged} of 10,000 keys of the first filter flagged as seen by the second");
    }
}
