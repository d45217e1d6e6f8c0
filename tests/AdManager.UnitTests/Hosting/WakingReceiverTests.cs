using AdManager.Silo.Hosting;
using Orleans.Runtime;
using Orleans.Streams;

namespace AdManager.UnitTests.Hosting;

/// <summary>
/// The job stream's queue receiver: events read are returned at once; a queue read empty is read again as soon as it is
/// woken, within the pulling agent's one call; without a wake-up the call returns empty at the wait's limit; a shutdown
/// ends the wait. A failed read is reported when the queue is woken (the server is back) or at the failure wait's limit,
/// and the agent then retries within 100 ms.
/// </summary>
public sealed class WakingReceiverTests
{
    private const string Queue = "queue-0";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Events_read_are_returned_without_waiting()
    {
        var inner = new FakeReceiver([[new FakeBatch()]]);
        var receiver = new WakingReceiver(inner, Queue, new QueueWakeSignals(), () => Long);

        var read = receiver.GetQueueMessagesAsync(10, CancellationToken.None);

        Assert.True(read.IsCompleted);
        Assert.Single(await read);
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public async Task An_empty_queue_is_read_again_when_it_is_woken()
    {
        var signals = new QueueWakeSignals();
        var inner = new FakeReceiver([[], [new FakeBatch()]]);
        var receiver = new WakingReceiver(inner, Queue, signals, () => Long);

        var read = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        await Task.Delay(50);
        Assert.False(read.IsCompleted);
        Assert.Equal(1, inner.Reads);

        signals.Wake(Queue);

        Assert.Single(await read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public async Task A_wake_up_that_came_during_the_read_is_not_lost()
    {
        var signals = new QueueWakeSignals();
        // The event is queued (and its wake-up sent) while the first read is under way and finds nothing yet.
        var inner = new FakeReceiver([[], [new FakeBatch()]], onRead: n => { if (n == 1) signals.Wake(Queue); });
        var receiver = new WakingReceiver(inner, Queue, signals, () => Long);

        var read = await receiver.GetQueueMessagesAsync(10, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Single(read);
        Assert.Equal(2, inner.Reads);
    }

    [Fact]
    public async Task Without_a_wake_up_the_read_returns_empty_at_the_wait_s_limit()
    {
        var inner = new FakeReceiver([[], [new FakeBatch()]]);
        var receiver = new WakingReceiver(inner, Queue, new QueueWakeSignals(), () => TimeSpan.FromMilliseconds(50));

        Assert.Empty(await receiver.GetQueueMessagesAsync(10, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public async Task A_shutdown_ends_the_wait_and_the_queue_is_not_read_again()
    {
        var inner = new FakeReceiver([[], [new FakeBatch()]]);
        var receiver = new WakingReceiver(inner, Queue, new QueueWakeSignals(), () => Long);
        var read = receiver.GetQueueMessagesAsync(10, CancellationToken.None);

        await receiver.Shutdown(TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Empty(await read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, inner.Reads);
        Assert.True(inner.ShutDown);
    }

    [Fact]
    public async Task A_failed_read_is_reported_as_soon_as_the_queue_is_woken()
    {
        var signals = new QueueWakeSignals();
        var failure = new InvalidOperationException("server restarting");
        var inner = new FakeReceiver([], failure: failure);
        var receiver = new WakingReceiver(inner, Queue, signals, () => Long, failedReadWait: Long);

        var read = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        await Task.Delay(50);
        // The pulling agent has not heard of the failure yet: it would retry after its backoff.
        Assert.False(read.IsCompleted);

        // The listening connection is back (the server is): every queue is woken.
        signals.WakeAll();

        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => read.WaitAsync(TimeSpan.FromSeconds(10))));
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public async Task Without_a_wake_up_a_failed_read_is_reported_at_the_failure_wait_s_limit()
    {
        var inner = new FakeReceiver([], failure: new InvalidOperationException("server unreachable"));
        var receiver = new WakingReceiver(inner, Queue, new QueueWakeSignals(), () => Long, failedReadWait: TimeSpan.FromMilliseconds(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<InvalidOperationException>(() => receiver.GetQueueMessagesAsync(10, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"reported after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(1, inner.Reads);
    }

    [Fact]
    public async Task A_shutdown_ends_a_failed_read_s_wait()
    {
        var inner = new FakeReceiver([], failure: new InvalidOperationException("server unreachable"));
        var receiver = new WakingReceiver(inner, Queue, new QueueWakeSignals(), () => Long, failedReadWait: Long);
        var read = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        await Task.Delay(50);

        await receiver.Shutdown(TimeSpan.FromSeconds(1), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void After_a_reported_failure_the_agent_retries_within_100_ms()
    {
        var backoff = new JobEventReadBackoff();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var wait = backoff.Next(attempt);
            Assert.InRange(wait, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Answers reads with the given batches in turn (then empty), or fails every read with <c>failure</c>, counting them.</summary>
    private sealed class FakeReceiver(IList<IBatchContainer>[] answers, Action<int>? onRead = null, Exception? failure = null) : IQueueAdapterReceiver
    {
        public int Reads { get; private set; }

        public bool ShutDown { get; private set; }

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
        {
            Reads++;
            onRead?.Invoke(Reads);
            if (failure is not null) return Task.FromException<IList<IBatchContainer>>(failure);
            return Task.FromResult(Reads <= answers.Length ? answers[Reads - 1] : []);
        }

        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout)
        {
            ShutDown = true;
            return Task.CompletedTask;
        }
    }

    private sealed class FakeBatch : IBatchContainer
    {
        public StreamId StreamId => StreamId.Create("ns", "key");

        public StreamSequenceToken SequenceToken => null!;

        public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => [];

        public bool ImportRequestContext() => false;
    }
}
