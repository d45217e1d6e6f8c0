namespace AdManager.Grains.Abstractions.Jobs;

/// <summary>
/// Job ids: UUIDv7 (RFC 9562), whose first 48 bits are Unix milliseconds, so that id order is submission order: the job
/// list pages newest first by id, and a job loads only after every earlier overlapping one (by id) is final.
/// <see cref="Guid.CreateVersion7()"/> fills the rest with random bits, so two ids made in the same millisecond
/// come out in either order. Here each id takes a later millisecond than the one before it in this process (RFC 9562,
/// 6.2, lets the timestamp run ahead of the clock), so ids made one after the other sort in that order even within a
/// millisecond or when the clock steps back; a burst runs ahead by a millisecond an id, and submissions are rate-limited.
/// Ids from different silos are ordered by their clocks.
/// </summary>
public static class JobIds
{
    private static long s_lastMs;

    public static Guid Next() => Next(TimeProvider.System);

    public static Guid Next(TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long last, ms;
        do
        {
            last = Volatile.Read(ref s_lastMs);
            ms = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref s_lastMs, ms, last) != last);
        return Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }
}
