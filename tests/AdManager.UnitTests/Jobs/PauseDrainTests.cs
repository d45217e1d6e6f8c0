using AdManager.Grains.Jobs;

namespace AdManager.UnitTests.Jobs;

/// <summary>
/// How long a stopping job waits for its loader calls in flight: as long as they take while it runs; once it is stopping,
/// at most the drain, after which it pauses without them (they are sent again on resume).
/// </summary>
public sealed class PauseDrainTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task While_the_job_runs_a_call_is_waited_for_however_long_it_takes()
    {
        var call = new TaskCompletionSource();
        var wait = MigrationJobGrain.CompletesBeforePauseAsync(Task.WhenAny(call.Task), CancellationToken.None, Drain);
        await Task.Delay(Drain * 2);
        Assert.False(wait.IsCompleted);

        call.SetResult();

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Once_stopping_a_call_that_does_not_come_back_is_given_up_after_the_drain()
    {
        using var stop = new CancellationTokenSource();
        var call = new TaskCompletionSource();
        var wait = MigrationJobGrain.CompletesBeforePauseAsync(Task.WhenAny(call.Task), stop.Token, Drain);
        await Task.Delay(50);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await stop.CancelAsync();

        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(clock.Elapsed, Drain * 0.75, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Once_stopping_a_call_that_comes_back_within_the_drain_is_taken()
    {
        using var stop = new CancellationTokenSource();
        var call = new TaskCompletionSource();
        await stop.CancelAsync();
        var wait = MigrationJobGrain.CompletesBeforePauseAsync(Task.WhenAny(call.Task), stop.Token, TimeSpan.FromSeconds(10));

        call.SetException(new InvalidOperationException("the loader failed"));

        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
