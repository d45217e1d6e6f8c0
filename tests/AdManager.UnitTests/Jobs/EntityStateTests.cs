using AdManager.Grains.Jobs;

namespace AdManager.UnitTests.Jobs;

public sealed class EntityStateTests
{
    [Fact]
    public void Batches_finishing_out_of_order_advance_the_watermark_only_when_contiguous()
    {
        var state = new EntityState { BatchesTotal = 5 };
        state.MarkBatchDone(1);
        state.MarkBatchDone(3);
        Assert.Equal(0, state.BatchWatermark);
        Assert.True(state.IsBatchDone(1));
        Assert.False(state.IsBatchDone(0));

        state.MarkBatchDone(0);
        Assert.Equal(2, state.BatchWatermark);
        Assert.Equal([3], state.BatchesDone);
        Assert.Equal(3, state.BatchesCompleted);

        state.MarkBatchDone(2);
        state.MarkBatchDone(4);
        Assert.Equal(5, state.BatchWatermark);
        Assert.Empty(state.BatchesDone);
        Assert.All(Enumerable.Range(0, 5), b => Assert.True(state.IsBatchDone(b)));
    }

    [Fact]
    public void Marking_a_batch_twice_counts_it_once()
    {
        var state = new EntityState();
        state.MarkBatchDone(0);
        state.MarkBatchDone(0);
        Assert.Equal(1, state.BatchesCompleted);
    }
}
