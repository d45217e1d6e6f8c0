using AdManager.Grains.Abstractions;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Stores.Postgres;
using AdManager.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace AdManager.Grains.Jobs;

/// <summary>
/// One migration job. Submission persists the job and publishes its start event; the event (delivered
/// durably, at least once) or the resume reminder starts the pipeline, which continues from the last
/// persisted checkpoint wherever the grain is activated.
/// </summary>
[ImplicitStreamSubscription(MigrationNames.StartJobNamespace)]
public sealed partial class MigrationJobGrain(
    [PersistentState("job", MigrationNames.JobStorage)] IPersistentState<JobState> state,
    JobIndexStore index,
    JobPipeline pipeline,
    IOptions<JobRunOptions> options,
    IOptions<SiloOptions> silo,
    ILogger<MigrationJobGrain> logger)
    : Grain, IMigrationJobGrain, IStreamSubscriptionObserver, IAsyncObserver<StartDataMigrationJob>, IRemindable
{
    private const string ResumeReminder = "resume";

    // Only one flow writes the state at a time: the pipeline, or a request such as Cancel.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private CancellationTokenSource? _stop;

    // Set while an entity file is read or the targets are read back (CancellableAsync): a cancel stops the read at its
    // next check (every 4,096 records), or the read-back's requests in flight.
    private CancellationTokenSource? _cancelWork;

    // The earlier job with overlapping data this one waits for before loading (shown to readers; not stored: a resumed
    // job looks again).
    private Guid? _waitingFor;

    // Set while the job goes back to its checkpoint after store faults (shown to readers, so a job retrying an outage
    // does not look like one making no progress for no reason); cleared by the next checkpoint it stores.
    private JobRetry? _retrying;

    // Progress as of the last successful write (or read) of the state: what a reader sees never runs ahead of what is
    // durable, so after a failover or a return to the checkpoint the percentage cannot go down, nor the batches and
    // records loaded step back.
    private DurableProgress _durable;

    // While a status change is being written, and after its write failed until the stored state is read again, what
    // readers get: the job as it was before the change. The pipeline runs between requests, so a request can come while
    // the write is in flight; it must not report a status (a final one above all) that the store may never hold.
    private JobSnapshot? _beforeUnsavedMove;
    private Task? _running;
    private JobLogScope? _scope;

    private Guid JobId => this.GetPrimaryKey();

    /// <summary>Job id and current phase on every line this activation logs (one object: the phase follows the job).</summary>
    private JobLogScope Scope => _scope ??= new JobLogScope(JobId, state.State.Status.ToString());

    public async Task<JobSnapshot> Submit(JobConfig config, string? submittedBy)
    {
        // Submitting again (an idempotent retry) changes nothing once the job has started; a job still Submitted gets
        // its index row, reminder and start event again, in case the first submission failed after storing the job.
        if (state.State.Exists && (state.State.Status != JobStatus.Submitted || _running is { IsCompleted: false })) return Snapshot();
        using var scope = logger.BeginScope(Scope);

        var s = state.State;
        if (!s.Exists)
        {
            var now = DateTimeOffset.UtcNow;
            s.Config = config;
            s.Status = JobStatus.Submitted;
            s.SubmittedAt = now;
            s.UpdatedAt = now;
            s.SubmittedBy = submittedBy;
            s.History.Add(new StatusChange(JobStatus.Submitted, now));
            await SaveAsync();                                                // 2.1 INSERT MigrationJob
        }
        config = s.Config!;
        await index.UpsertAsync(JobId, config, s.Status, s.SubmittedAt, s.UpdatedAt, CancellationToken.None);

        // The safety net: if the start event is lost or the host dies, the reminder starts or resumes the job.
        await this.RegisterOrUpdateReminder(ResumeReminder, options.Value.ResumeCheckPeriod, options.Value.ResumeCheckPeriod);

        var stream = this.GetStreamProvider(MigrationNames.StreamProvider)
            .GetStream<StartDataMigrationJob>(StreamId.Create(MigrationNames.StartJobNamespace, JobId));
        await stream.OnNextAsync(new StartDataMigrationJob(JobId, config));  // 2.2 Publish
        JobLog.Submitted(logger, JobId, config.Source.Kind, string.Join(",", config.Scope.DataTypes));
        return Snapshot();
    }

    public Task<JobSnapshot?> GetSnapshot() => Task.FromResult(state.State.Exists ? _beforeUnsavedMove ?? Snapshot() : null);

    public Task<MigrationReport?> GetReport() =>
        Task.FromResult(_beforeUnsavedMove is null && state.State.Status.IsFinal() ? state.State.Report : null);

    public async Task<CancelOutcome> Cancel(string? cancelledBy)
    {
        if (!state.State.Exists) return CancelOutcome.NotFound;
        if (state.State.Status.IsFinal()) return CancelOutcome.AlreadyFinal;
        if (state.State.CancelRequested) return CancelOutcome.Accepted;
        using var scope = logger.BeginScope(Scope);

        await _writeGate.WaitAsync();
        try
        {
            state.State.CancelRequested = true;
            state.State.CancelledBy = cancelledBy;
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored: the caller gets its 503 and retries. Left set, the retry was answered "accepted" without a
            // write, and the job's next return to its stored checkpoint forgot the cancel.
            state.State.CancelRequested = false;
            state.State.CancelledBy = null;
            throw;
        }
        finally
        {
            _writeGate.Release();
        }
        JobLog.CancelRequested(logger, JobId);
        _cancelWork?.Cancel();
        // A job that is not running right now (not started yet, or between hosts) is finished here.
        EnsureRunning();
        return CancelOutcome.Accepted;
    }

    /// <summary>
    /// Runs work a cancel can stop part way: its token is tripped by <see cref="Cancel"/> while it runs (through
    /// <see cref="_cancelWork"/>), or at once when the cancel came first. Cancelled is true when it stopped for the job's
    /// cancel: the cancel was requested, the silo is not stopping (<paramref name="ct"/>, whose cancellation propagates),
    /// and <paramref name="stoppedByCancel"/> takes the failure (given it and whether the work's token was tripped) for
    /// the cancel's doing. Any other failure propagates.
    /// </summary>
    private async Task<(bool Cancelled, T Result)> CancellableAsync<T>(Func<CancellationToken, Task<T>> work,
        Func<Exception, bool, bool> stoppedByCancel, CancellationToken ct)
    {
        using var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _cancelWork = source;
        if (state.State.CancelRequested) source.Cancel();
        try
        {
            return (false, await work(source.Token));
        }
        catch (Exception e) when (state.State.CancelRequested && !ct.IsCancellationRequested && stoppedByCancel(e, source.IsCancellationRequested))
        {
            return (true, default!);
        }
        finally
        {
            _cancelWork = null;
        }
    }

    public async Task Resume()
    {
        // The failover scan goes by the job list's rows: a final job listed as running missed its last steps.
        if (state.State.Exists && state.State.Status.IsFinal()) await CompleteFinalAsync();
        else EnsureRunning();
    }

    /// <summary>An activation of a job that was running elsewhere (its host died) takes over at once.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _durable = _durable.After(state.State);
        if (state.State.Exists && state.State.Status.IsRunning()) EnsureRunning();
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<StartDataMigrationJob>().ResumeAsync(this);

    /// <summary>Step 4: consume the start event. Idempotent: redelivery of a started or finished job changes nothing.</summary>
    public Task OnNextAsync(StartDataMigrationJob item, StreamSequenceToken? token = null)
    {
        EnsureRunning();
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        using var scope = logger.BeginScope(Scope);
        JobLog.StreamError(logger, JobId, ex.GetType().Name);
        return Task.CompletedTask;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.State.Exists)
        {
            await UnregisterResumeAsync();
            return;
        }
        // Still registered once final: the steps after the final status did not all happen.
        if (state.State.Status.IsFinal()) await CompleteFinalAsync();
        else EnsureRunning();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_running is { IsCompleted: false } running)
        {
            using var scope = logger.BeginScope(Scope);
            JobLog.Pausing(logger, JobId, reason.Description);
            _stop?.Cancel();
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, cancellationToken));
        }
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void EnsureRunning()
    {
        if (!state.State.Exists || state.State.Status.IsFinal() || _running is { IsCompleted: false }) return;
        _stop = new CancellationTokenSource();
        _running = RunAsync(_stop.Token);
    }

    private async Task UnregisterResumeAsync()
    {
        var reminder = await this.GetReminder(ResumeReminder);
        if (reminder is not null) await this.UnregisterReminder(reminder);
    }

    private async Task SaveAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            state.State.UpdatedAt = DateTimeOffset.UtcNow;
            await state.WriteStateAsync();
            _durable = _durable.After(state.State);
            _retrying = null;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private JobSnapshot Snapshot() =>
        JobViews.Snapshot(JobId, state.State, _durable, Interlocked.Read(ref _liveRead), silo.Value.SiloName, _waitingFor, _retrying);
}
