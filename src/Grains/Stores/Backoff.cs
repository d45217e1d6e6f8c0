namespace AdManager.Grains.Stores;

/// <summary>Exponential backoff with full jitter, capped: waits spread out so retrying clients do not stampede.</summary>
public static class Backoff
{
    public static TimeSpan Jittered(int attempt, double baseMs = 50, double capMs = 5_000)
    {
        var ceiling = Math.Min(capMs, baseMs * Math.Pow(2, Math.Min(attempt, 30) - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
