namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition by polling it, with a deadline: no sleeps standing in for synchronisation.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        await UntilAsync(async () => await condition() ? new object() : null, timeout, what);

    /// <summary>Polls until <paramref name="probe"/> returns a value (not null) and returns it.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            await Task.Delay(50);
        }
    }
}
