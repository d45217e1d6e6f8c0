namespace AdManager.Grains.Stores;

/// <summary>
/// A concurrency limit that adapts to the target (additive increase, multiplicative decrease):
/// every throttling answer halves the number of requests allowed in flight, a run of successes
/// raises it by one again, up to the configured maximum. Shared by every job on the silo, so the
/// silo as a whole backs off when DynamoDB pushes back.
/// </summary>
public sealed class AdaptiveLimiter
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiters = new();
    private readonly int _min;
    private readonly int _max;
    private int _limit;
    private int _inFlight;
    private int _successes;

    public AdaptiveLimiter(int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(min, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        _min = min;
        _max = max;
        _limit = max;
    }

    /// <summary>Requests currently allowed in flight.</summary>
    public int Limit
    {
        get
        {
            lock (_gate) return _limit;
        }
    }

    public async ValueTask<Lease> AcquireAsync(CancellationToken ct)
    {
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                if (_inFlight < _limit)
                {
                    _inFlight++;
                    return new Lease(this);
                }
                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Enqueue(waiter);
            }
            await waiter.Task.WaitAsync(ct);
        }
    }

    /// <summary>The target refused work for load reasons: halve the limit.</summary>
    public void OnThrottled()
    {
        lock (_gate)
        {
            _limit = Math.Max(_min, _limit / 2);
            _successes = 0;
        }
    }

    /// <summary>A request went through: after as many successes as the current limit, allow one more.</summary>
    public void OnSuccess()
    {
        lock (_gate)
        {
            if (_limit >= _max || ++_successes < _limit) return;
            _successes = 0;
            _limit++;
            WakeLocked();
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _inFlight--;
            WakeLocked();
        }
    }

    private void WakeLocked()
    {
        // Waiters re-check the limit themselves; wake as many as could now fit.
        var free = _limit - _inFlight;
        while (free-- > 0 && _waiters.TryDequeue(out var waiter)) waiter.TrySetResult();
    }

    public readonly struct Lease(AdaptiveLimiter owner) : IDisposable
    {
        public void Dispose() => owner.Release();
    }
}
