using AdManager.Silo.Hosting;

namespace AdManager.UnitTests.Hosting;

/// <summary>
/// A queue's wake-up signal: a wait returns as soon as the queue is woken after the counter it was given was read (at once
/// if that already happened, so a wake-up between a receiver's read and its wait is not lost), and otherwise at its limit.
/// </summary>
public sealed class QueueWakeSignalsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_wake_up_that_came_after_the_counter_was_read_returns_the_wait_at_once()
    {
        var signals = new QueueWakeSignals();
        var seen = signals.Seen("q1");
        signals.Wake("q1");

        var wait = signals.WaitAsync("q1", seen, Long, CancellationToken.None);

        Assert.True(wait.IsCompleted);
        Assert.True(await wait);
    }

    [Fact]
    public async Task A_wake_up_during_the_wait_ends_it_and_one_of_another_queue_does_not()
    {
        var signals = new QueueWakeSignals();
        var wait = signals.WaitAsync("q1", signals.Seen("q1"), Long, CancellationToken.None);

        signals.Wake("q2");
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);

        signals.Wake("q1");
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Without_a_wake_up_the_wait_ends_at_its_limit_and_says_so()
    {
        var signals = new QueueWakeSignals();

        Assert.False(await signals.WaitAsync("q1", signals.Seen("q1"), TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task A_cancelled_wait_ends_without_a_wake_up()
    {
        var signals = new QueueWakeSignals();
        using var cancel = new CancellationTokenSource();
        var wait = signals.WaitAsync("q1", signals.Seen("q1"), Long, cancel.Token);

        await cancel.CancelAsync();

        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Waking_all_wakes_every_queue_waited_on()
    {
        var signals = new QueueWakeSignals();
        var first = signals.WaitAsync("q1", signals.Seen("q1"), Long, CancellationToken.None);
        var second = signals.WaitAsync("q2", signals.Seen("q2"), Long, CancellationToken.None);

        signals.WakeAll();

        var woken = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([true, true], woken);
    }
}
