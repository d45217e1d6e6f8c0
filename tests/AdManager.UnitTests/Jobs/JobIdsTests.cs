using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Stores.Postgres;

namespace AdManager.UnitTests.Jobs;

public sealed class JobIdsTests
{
    private sealed class StoppedClock(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }

    /// <summary>How PostgreSQL orders uuid values (and the job list its ids): byte by byte, as the text reads.</summary>
    private static void AssertAscending(IReadOnlyList<Guid> ids)
    {
        for (var i = 1; i < ids.Count; i++)
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString(), ids[i].ToString()) < 0, $"id {i} ({ids[i]}) sorts before id {i - 1} ({ids[i - 1]})");
    }

    [Fact]
    public void Ids_made_within_one_millisecond_sort_in_the_order_they_were_made()
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new StoppedClock(now);
        var ids = Enumerable.Range(0, 200).Select(_ => JobIds.Next(clock)).ToList();

        AssertAscending(ids);
        Assert.All(ids, id => Assert.Equal(7, id.Version));
        // Each takes the next millisecond at most: the burst runs 200 ms ahead of a clock that stood still.
        var made = ids.Select(id => StagingSweep.CreatedAt(id)!.Value).ToList();
        Assert.True(made[0] >= now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)), $"{made[0]:O} before {now:O}");
        Assert.True(made[^1] - made[0] == TimeSpan.FromMilliseconds(199), $"{made[0]:O} to {made[^1]:O}");
    }

    [Fact]
    public void A_clock_that_steps_back_does_not_take_the_order_back()
    {
        var before = JobIds.Next();
        var after = JobIds.Next(new StoppedClock(DateTimeOffset.UtcNow.AddMinutes(-5)));
        AssertAscending([before, after]);
    }

    [Fact]
    public void Ids_made_on_many_threads_at_once_are_all_different()
    {
        var ids = new Guid[8][];
        Parallel.For(0, ids.Length, t => ids[t] = [.. Enumerable.Range(0, 100).Select(_ => JobIds.Next())]);
        Assert.All(ids, AssertAscending);
        Assert.Equal(800, ids.SelectMany(x => x).Distinct().Count());
    }
}
