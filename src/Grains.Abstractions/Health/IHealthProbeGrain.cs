namespace AdManager.Grains.Abstractions.Health;

/// <summary>
/// Readiness's grain call: a stateless worker, so it runs on the silo that asks, needs no storage, and answers as long
/// as that silo's runtime does. (A call to one fixed grain made every silo unready while the silo holding that grain
/// was dying, until the cluster declared it dead.)
/// </summary>
public interface IHealthProbeGrain : IGrainWithIntegerKey
{
    /// <summary>The identity of the silo that answered.</summary>
    Task<string> Ping();
}
