using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;

namespace AdManager.Silo.Hosting;

/// <summary>
/// Puts <see cref="JobEventWakeups"/> around a stream provider's queue adapter: a queued event wakes its queue's receiver,
/// and a receiver that reads its queue empty waits for a wake-up (up to <see cref="JobEventWakeups.MaxWait"/>) and reads
/// again, inside the pulling agent's read. Everything else is the provider's own.
/// </summary>
public static class WakingQueueAdapter
{
    /// <summary>
    /// Wraps the queue adapter factory registered for <paramref name="provider"/> (call after the provider is added).
    /// </summary>
    public static IServiceCollection WakeOnQueuedEvents(this IServiceCollection services, string provider)
    {
        var registered = services.LastOrDefault(d =>
                d.ServiceType == typeof(IQueueAdapterFactory) && d.IsKeyedService && Equals(d.ServiceKey, provider))
            ?? throw new InvalidOperationException($"no queue adapter factory is registered for stream provider {provider}");
        var create = registered.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"the queue adapter factory of stream provider {provider} is not built by a factory");
        services.Remove(registered);
        services.AddKeyedSingleton<IQueueAdapterFactory>(provider, (sp, key) =>
            new Factory((IQueueAdapterFactory)create(sp, key), sp.GetRequiredService<JobEventWakeups>()));
        return services;
    }

    private sealed class Factory(IQueueAdapterFactory inner, JobEventWakeups wakeups) : IQueueAdapterFactory
    {
        Task<IQueueAdapter> IQueueAdapterFactory.CreateAdapter() => CreateAdapter(CancellationToken.None);

        public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
            new Adapter(await inner.CreateAdapter(cancellationToken), inner.GetStreamQueueMapper(), wakeups);

        public IQueueAdapterCache GetQueueAdapterCache() => inner.GetQueueAdapterCache();

        public IStreamQueueMapper GetStreamQueueMapper() => inner.GetStreamQueueMapper();

        public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => inner.GetDeliveryFailureHandler(queueId);
    }

    private sealed class Adapter(IQueueAdapter inner, IStreamQueueMapper mapper, JobEventWakeups wakeups) : IQueueAdapter
    {
        public string Name => inner.Name;

        public bool IsRewindable => inner.IsRewindable;

        public StreamProviderDirection Direction => inner.Direction;

        public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token,
            Dictionary<string, object>? requestContext)
        {
            await inner.QueueMessageBatchAsync(streamId, events, token, requestContext);
            wakeups.Published(mapper.GetQueueForStream(streamId).ToString());
        }

        public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
            new WakingReceiver(inner.CreateReceiver(queueId), queueId.ToString(), wakeups.Signals,
                () => wakeups.Listening ? JobEventWakeups.MaxWait : JobEventWakeups.MaxWaitNotListening);
    }
}

/// <summary>
/// A queue receiver that, having read its queue empty, waits for the queue's wake-up (at most <paramref name="maxWait"/>,
/// asked at each read) and reads once more. The pulling agent calls one read at a time and keeps reading while reads
/// return events, so the wait is where an idle agent spends its time.
/// A read that fails (PostgreSQL restarting or unreachable) is reported to the agent after a wait of the same kind, at
/// most <paramref name="failedReadWait"/> (<see cref="JobEventWakeups.FailedReadWait"/> unless given): the listening
/// connection's return, which wakes every queue, ends it as soon as the server is back, so the agent's retry (after
/// <see cref="JobEventReadBackoff"/>) comes then, and an outage costs a failed read per queue every few seconds.
/// </summary>
public sealed class WakingReceiver(IQueueAdapterReceiver inner, string queue, QueueWakeSignals signals, Func<TimeSpan> maxWait,
    TimeSpan? failedReadWait = null) : IQueueAdapterReceiver
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeSpan _failedReadWait = failedReadWait ?? JobEventWakeups.FailedReadWait;

    // The overloads without a token (obsolete in Orleans 10, still part of the interface) go through the ones with.
    Task IQueueAdapterReceiver.Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    Task<IList<IBatchContainer>> IQueueAdapterReceiver.GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    Task IQueueAdapterReceiver.MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    Task IQueueAdapterReceiver.Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => inner.Initialize(timeout, cancellationToken);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken ct)
    {
        var seen = signals.Seen(queue);
        IList<IBatchContainer> batch;
        try
        {
            batch = await inner.GetQueueMessagesAsync(maxCount, ct);
        }
        catch (Exception) when (!_shutdown.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token, ct);
            await signals.WaitAsync(queue, seen, _failedReadWait, failed.Token);
            throw;
        }
        if (batch is { Count: > 0 } || _shutdown.IsCancellationRequested || ct.IsCancellationRequested) return batch;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token, ct);
        if (!await signals.WaitAsync(queue, seen, maxWait(), stop.Token) || stop.IsCancellationRequested) return batch;
        return await inner.GetQueueMessagesAsync(maxCount, ct);
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        inner.MessagesDeliveredAsync(messages, cancellationToken);

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _shutdown.Cancel();
        return inner.Shutdown(timeout, cancellationToken);
    }
}
