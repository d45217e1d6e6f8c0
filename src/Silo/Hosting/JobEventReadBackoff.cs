using Orleans.Runtime.Providers;

namespace AdManager.Silo.Hosting;

/// <summary>
/// How long the job stream's pulling agent waits before reading a queue again after a read failed: 50-100 ms (at random,
/// so that silos do not retry in step). The receiver has waited already, for the queue's wake-up (the listening
/// connection's return wakes every queue) or <see cref="JobEventWakeups.FailedReadWait"/>, before reporting the failure
/// (<see cref="WakingReceiver"/>); Orleans' own backoff waited several seconds more (5-6 s in the tests, 8 s on the local
/// stack), which a job submitted as PostgreSQL came back from a restart spent in <c>Submitted</c>.
/// </summary>
public sealed class JobEventReadBackoff : IQueueReaderBackoffProvider
{
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(100);

    /// <summary>The wait before retry <paramref name="attempt"/>: the same for every attempt.</summary>
    public TimeSpan Next(int attempt) => Longest * (1 - Random.Shared.NextDouble() / 2);
}
