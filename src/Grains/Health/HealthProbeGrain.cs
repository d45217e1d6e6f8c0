using AdManager.Grains.Abstractions.Health;
using Orleans.Concurrency;

namespace AdManager.Grains.Health;

[StatelessWorker(1)]
public sealed class HealthProbeGrain : Grain, IHealthProbeGrain
{
    public Task<string> Ping() => Task.FromResult(RuntimeIdentity);
}
