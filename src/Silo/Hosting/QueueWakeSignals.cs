using System.Collections.Concurrent;

namespace AdManager.Silo.Hosting;

/// <summary>
/// One wake-up signal per stream queue: a counter that <see cref="Wake"/> moves on, and a wait for it to move past a value
/// read before. A receiver reads the counter before it reads its queue, so a wake-up that comes between the read and the
/// wait is not lost: the wait returns at once.
/// </summary>
public sealed class QueueWakeSignals
{
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);

    /// <summary>The queue's counter, to pass to <see cref="WaitAsync"/> after reading the queue.</summary>
    public long Seen(string queue) => SignalOf(queue).Version;

    /// <summary>Wakes whoever waits for the queue (and moves its counter for whoever is about to).</summary>
    public void Wake(string queue) => SignalOf(queue).Set();

    /// <summary>Wakes every queue's waiter: after a spell in which wake-ups may have been missed.</summary>
    public void WakeAll()
    {
        foreach (var signal in _signals.Values) signal.Set();
    }

    /// <summary>
    /// True as soon as the queue was woken after <paramref name="seen"/> was read (at once if it already was); false after
    /// <paramref name="max"/> without a wake-up, or when <paramref name="ct"/> is cancelled.
    /// </summary>
    public Task<bool> WaitAsync(string queue, long seen, TimeSpan max, CancellationToken ct) => SignalOf(queue).WaitAsync(seen, max, ct);

    private Signal SignalOf(string queue) => _signals.GetOrAdd(queue, static _ => new Signal());

    private sealed class Signal
    {
        private readonly Lock _gate = new();
        private long _version;
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Version
        {
            get
            {
                lock (_gate) return _version;
            }
        }

        public void Set()
        {
            TaskCompletionSource fired;
            lock (_gate)
            {
                _version++;
                fired = _next;
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            fired.TrySetResult();
        }

        public async Task<bool> WaitAsync(long seen, TimeSpan max, CancellationToken ct)
        {
            Task next;
            lock (_gate)
            {
                if (_version != seen) return true;
                next = _next.Task;
            }
            if (ct.IsCancellationRequested) return false;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var delay = Task.Delay(max, timeout.Token);
            await Task.WhenAny(next, delay).ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
            return next.IsCompleted;
        }
    }
}
