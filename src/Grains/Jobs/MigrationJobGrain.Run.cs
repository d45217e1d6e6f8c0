using System.Diagnostics;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Sources;
using AdManager.Grains.Stores;
using AdManager.Grains.Stores.Postgres;
using AdManager.Grains.Telemetry;

namespace AdManager.Grains.Jobs;

/// <summary>The pipeline (DataGovernanceService, steps 4.1-4.9), phase by phase, each resumable from its checkpoint.</summary>
public sealed partial class MigrationJobGrain
{
    private long _liveRead;

    private async Task RunAsync(CancellationToken ct)
    {
        // Return to the caller (stream delivery, reminder, request) before any work starts.
        await Task.Yield();
        using var scope = logger.BeginScope(Scope);
        pipeline.Metrics.JobRunning(JobId, () => _waitingFor is not null ? "waiting" : _retrying is not null ? "retrying" : "running");
        try
        {
            await RunWithRetriesAsync(ct);
        }
        finally
        {
            pipeline.Metrics.JobStopped(JobId);
            // Nothing retries once the run is over (a finish that could not be stored is left to the resume reminder).
            _retrying = null;
        }
    }

    private async Task RunWithRetriesAsync(CancellationToken ct)
    {
        // The retry budget counts faults in a row: a fault after the job moved forward starts the count again, so a long
        // job rides out any number of brief faults, and fails only when a store stays away for the whole budget.
        var retries = 0;
        var furthest = Progress();
        while (true)
        {
            try
            {
                await RunPhasesAsync(ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The activation is going away (silo shutdown): the checkpoint stands, the job resumes elsewhere.
                JobLog.Paused(logger, JobId, state.State.Status.ToWire());
                return;
            }
            catch (Exception ex) when (ex is ExportFileException or Secrets.SecretNotFoundException or LegacySourceException { Transient: false })
            {
                // A file-level problem fails the job as a whole: what was read of other files is no result, so the
                // report and the rejections say nothing was processed rather than show half an export.
                await DiscardExtractionAsync();
                await FinishOrForgetAsync(JobStatus.Failed, ex.Message);
                return;
            }
            catch (Exception ex) when (TransientFaults.IsTransient(ex) || StateMovedOn(ex))
            {
                // A store restarting or throttling: go back to the last persisted checkpoint and try again. Or another
                // activation stored the job's state after this one read it (a silo handing the job over wrote its last
                // checkpoint late), so this one's writes are refused: go on from what is stored, the same way.
                var reached = Progress();
                if (reached > furthest) (furthest, retries) = (reached, 0);
                if (++retries > options.Value.RetryBudget)
                {
                    await GiveUpAsync(ex);
                    return;
                }
                var delay = Backoff.Jittered(retries, baseMs: 500, capMs: options.Value.RetryMaxDelay.TotalMilliseconds);
                // A version conflict is no store fault: another activation stored the job, and this one goes on from it.
                if (StateMovedOn(ex)) JobLog.StateMovedOn(logger, JobId, state.State.Status.ToWire(), delay.TotalSeconds);
                else
                {
                    var cause = Cause(ex);
                    _retrying = new JobRetry(retries, options.Value.RetryBudget, cause, _retrying?.Since ?? DateTimeOffset.UtcNow);
                    JobLog.RetryingAfterFault(logger, JobId, state.State.Status.ToWire(), retries, options.Value.RetryBudget, delay.TotalSeconds, cause);
                }
                try
                {
                    await Task.Delay(delay, ct);
                    await ReloadStateAsync();
                    if (CancelledDuringFault(ex))
                    {
                        await FinishCancelledDuringFaultAsync(Cause(ex));
                        return;
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception readFailure) when (TransientFaults.IsTransient(readFailure))
                {
                    // Still unavailable: the next attempt reads again.
                }
            }
            catch (Exception ex)
            {
                await GiveUpAsync(ex);
                return;
            }
        }
    }

    /// <summary>
    /// A stored cancel of a job loading through a store fault, which ends it now (<see cref="FinishCancelledDuringFaultAsync"/>).
    /// Not while it reads its source again (its counts are set aside until the re-read ends), nor after a version conflict
    /// (no store failed: the activation that stored the job may still have calls in flight, and the next run sends its
    /// window again before it honours the cancel).
    /// </summary>
    private bool CancelledDuringFault(Exception ex) =>
        state.State is { CancelRequested: true, Status: JobStatus.Loading, Restaging: false } && !StateMovedOn(ex);

    /// <summary>Fails the job for a fault it cannot go on from, or one that outlasted the retry budget.</summary>
    private async Task GiveUpAsync(Exception ex)
    {
        // Final already, its last steps failing: the resume reminder, still registered, takes them up later.
        if (state.State.Status.IsFinal()) return;
        var transient = TransientFaults.IsTransient(ex);
        // Cancelled meanwhile: the cancel wins over the budget that ran out.
        if (transient && CancelledDuringFault(ex))
        {
            await FinishCancelledDuringFaultAsync(Cause(ex));
            return;
        }
        if (!transient) JobLog.Crashed(logger, JobId, state.State.Status.ToWire(), ex);
        var error = transient
            ? $"{state.State.Status.ToWire()} gave up after {options.Value.RetryBudget} retries: {Cause(ex)}"
            : $"{state.State.Status.ToWire()} failed: {Cause(ex)}";
        await FinishOrForgetAsync(JobStatus.Failed, error);
    }

    /// <summary>
    /// How far the job got, for the retry budget: its phase, then its entities read and batches stored. It grows with
    /// every step forward (a return to the checkpoint, or reading a source again, takes it back; the budget compares
    /// with the furthest it reached).
    /// </summary>
    private long Progress()
    {
        var s = state.State;
        return ((long)s.Status << 40) + s.Entities.Values.Sum(e => (e.Extracted ? 1L << 32 : 0) + e.BatchesCompleted);
    }

    /// <summary>
    /// A cancel that reaches a job retrying a store fault in Loading ends it now, from its stored checkpoint, rather than
    /// after the retries (it had ended Failed minutes later, the cancel ignored). The calls that failed may have stored
    /// part of their batches (a DynamoDB batch is many requests), which the report cannot count: a warning says so, as a
    /// job that gave up would have left them too.
    /// </summary>
    private async Task FinishCancelledDuringFaultAsync(string cause)
    {
        var warning = $"cancelled while a store was failing ({cause}): batches sent just before may be partly stored beyond what this report counts; the same export run again completes them";
        if (!state.State.Warnings.Contains(warning)) state.State.Warnings.Add(warning);
        await FinishOrForgetAsync(JobStatus.Cancelled, null);
    }

    /// <summary>The job's stored state is newer than this activation's (its write was refused on the version).</summary>
    private static bool StateMovedOn(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is Orleans.Storage.InconsistentStateException) return true;
        }
        return false;
    }

    private static string Cause(Exception ex) => ex is BatchFailedException or LegacySourceException ? ex.Message : StoreErrors.Describe(ex);

    /// <summary>
    /// Ends the job; if even that cannot be stored, drops the unsaved changes so the persisted checkpoint
    /// stays the truth, and leaves the job to the resume reminder.
    /// </summary>
    private async Task FinishOrForgetAsync(JobStatus final, string? error)
    {
        try
        {
            await FinishAsync(final, error);
        }
        catch (Exception ex)
        {
            JobLog.FinishNotStored(logger, JobId, final.ToWire(), Cause(ex));
            try
            {
                await ReloadStateAsync();
            }
            catch (Exception)
            {
                // The store is down; the in-memory state is stale until the next activation reads it again.
                DeactivateOnIdle();
            }
        }
    }

    /// <summary>
    /// Drops unsaved changes for the stored checkpoint. A move whose write failed had already set the log scope's phase
    /// (to <c>Failed</c>, say, when the final status could not be stored): the scope follows the stored status again, so
    /// the lines of the run that resumes say the phase the job is really in; and readers see the stored job again.
    /// </summary>
    private async Task ReloadStateAsync()
    {
        await state.ReadStateAsync();
        _durable = _durable.After(state.State);
        Scope.Phase = state.State.Status.ToString();
        _beforeUnsavedMove = null;
    }

    private async Task RunPhasesAsync(CancellationToken ct)
    {
        var s = state.State;
        if (s.Status.IsFinal())
        {
            // Back after a fault that came once the final status was stored.
            await CompleteFinalAsync();
            return;
        }
        if (s.CancelRequested && s.Status != JobStatus.Loading && !s.Restaging)
        {
            // Cancelled while no activation ran the job (its host died, and the cancel reached the job's next activation
            // before its resume did): it ends as a run would have where it stopped. Before Loading nothing was written; in
            // Validating the read-back did not finish. In Loading, the load goes on to account for what the run before
            // may have left in flight (see LoadAsync). A job that was reading its source again first reads it to the end
            // (see RestageIfLostAsync): its counts were set aside for the re-read.
            await (s.Status == JobStatus.Validating ? FinishCancelledValidatingAsync() : FinishCancelledAsync(nothingWritten: true));
            return;
        }
        var resumingLoad = s.Status == JobStatus.Loading;
        JobLog.Running(logger, JobId, s.Status.ToWire());
        if (s.Status == JobStatus.Submitted) await MoveAsync(JobStatus.Extracting);                   // 4.1
        await RestageIfLostAsync(ct);
        if (s.Status == JobStatus.Extracting && !await ExtractAsync(ct)) return;                       // 4.2
        if (s.Status == JobStatus.Transforming && !await TransformAsync(ct)) return;                   // 4.3-4.4
        if (s.Status == JobStatus.Loading && !await LoadAsync(resumingLoad, ct)) return;               // 4.5-4.6
        if (s.Status == JobStatus.Validating) await ValidateAsync(ct);                                 // 4.7-4.9
    }

    private async Task<bool> TransformAsync(CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        var (rejected, considered) = await ResolveStagingAsync(ct);

        // The reject threshold, before anything is written to a target.
        var ratio = considered == 0 ? 0 : (double)rejected / considered;
        if (ratio > config.Options.MaxRejectedRatio)
        {
            // Each record's outcome stands (read = skipped + rejected + superseded + loaded); none was written.
            s.RejectThresholdExceeded = true;
            await FailAsync($"{rejected} of {considered} in-scope records were rejected ({ratio:P2}), above maxRejectedRatio {config.Options.MaxRejectedRatio:0.####}; nothing was written to any target");
            return false;
        }
        if (s.CancelRequested)
        {
            await FinishCancelledAsync(nothingWritten: true);
            return false;
        }
        // Stored with the move, so Loading needs no write of its own before its first batch (see LoadAsync).
        if (!config.Options.DryRun) s.MigratedAt ??= MigrationStamp();
        await MoveAsync(JobStatus.Loading);
        return true;
    }

    /// <summary>
    /// Steps 4.3-4.4 set-based: the cross-record rules over the staging, and per entity the outcome counts and batches.
    /// Returns the rejected and the in-scope records, for the reject threshold. The caller stores the outcome with what
    /// it does next (the move to Loading, the final status, the re-staging's save); a job that stops before that
    /// resolves again, to the same outcome.
    /// </summary>
    private async Task<(long Rejected, long Considered)> ResolveStagingAsync(CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        var staged = pipeline.Entities(config).ToDictionary(k => k, k => Entity(k).Staged);
        var resolved = await pipeline.Resolver.ResolveAsync(JobId, config.Options.BatchSize, staged, ct);
        var byReason = await pipeline.Reader.RejectionsByReasonAsync(JobId, ct);
        long rejected = 0, considered = 0;
        foreach (var kind in pipeline.Entities(config))
        {
            var es = Entity(kind);
            var (superseded, loadable, batches, digest) = resolved[kind];
            es.StagedDigest = digest;
            es.Superseded = superseded;
            es.Loaded = loadable;
            es.BatchesTotal = batches;
            es.RejectedByReason = byReason[kind];
            es.Rejected = byReason[kind].Values.Sum();
            foreach (var (reason, count) in es.RejectedByReason) pipeline.Metrics.RecordsRejected(EntitySchema.For(kind).Name, reason, count);
            JobLog.EntityResolved(logger, JobId, EntitySchema.For(kind).Name, es.Rejected, superseded, loadable, batches);
            rejected += es.Rejected;
            considered += es.Read - es.Skipped;
        }
        Advance(45);
        return (rejected, considered);
    }

    private async Task ValidateAsync(CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        var entities = pipeline.Entities(config);
        // A cancel accepted in Validating (or just before) ends the job Cancelled: before validation starts, or part way,
        // its reads of the targets stopped (the report says so and has no checks); everything loaded stays loaded.
        if (s.CancelRequested)
        {
            await FinishCancelledValidatingAsync();
            return;
        }
        if (config.Options.DryRun)
        {
            s.Validation = new ValidationResult(true, [], []);
            foreach (var kind in entities) Entity(kind).Verified = Entity(kind).Loaded;
        }
        else
        {
            var batches = entities.ToDictionary(k => k, k => Entity(k).BatchesTotal);
            var digests = entities.ToDictionary(k => k, k => Entity(k).StagedDigest);
            // Once its token is tripped, any failure of the read-back is the cancel's doing: a cancelled Npgsql or SDK call
            // need not surface as an OperationCanceledException.
            var (cancelled, validated) = await CancellableAsync(token => pipeline.Validate.RunAsync(JobId, s.MigratedAt!.Value,
                entities, batches, digests, config.Options.BatchSize, token), (_, tripped) => tripped, ct);
            if (cancelled)
            {
                await FinishCancelledValidatingAsync();
                return;
            }
            var (result, verified) = validated;
            // What validation expected comes from staging; fewer than resolving counted means the staging is not there.
            foreach (var check in result.Checks.Where(c => c.Expected != s.Entities[c.Entity].Loaded))
                throw new StagingLostException($"{check.Entity}: staging held {check.Expected} of {s.Entities[check.Entity].Loaded} loaded records");
            s.Validation = result;
            foreach (var (kind, count) in verified) Entity(kind).Verified = count;
        }
        Advance(99);

        var anyRejected = s.Entities.Values.Any(e => e.Rejected > 0);
        if (s.CancelRequested)
        {
            await FinishCancelledAsync(nothingWritten: config.Options.DryRun);
        }
        else if (!s.Validation.Passed)
        {
            await FinishAsync(JobStatus.Failed, $"validation found {s.Validation.Mismatches.Count} mismatch(es) between what was loaded and the targets");
        }
        else
        {
            await FinishAsync(anyRejected ? JobStatus.CompletedWithErrors : JobStatus.Completed, null);
        }
    }

    private Task FailAsync(string error) => FinishAsync(JobStatus.Failed, error);

    /// <summary>
    /// Ends the job Cancelled. <paramref name="nothingWritten"/>: no target was written (cancelled before Loading, or a
    /// dry run), so the resolved counts of what would have been loaded are not reported as loaded.
    /// </summary>
    private Task FinishCancelledAsync(bool nothingWritten)
    {
        if (nothingWritten) foreach (var es in state.State.Entities.Values) es.Loaded = 0;
        return FinishAsync(JobStatus.Cancelled, null);
    }

    /// <summary>
    /// Ends a job cancelled in Validating before its read-back of the targets finished (or started): everything it loaded
    /// stays loaded, and the report says the comparison did not finish, so its validation without checks does not read as
    /// one that failed. A dry run's validation reads nothing back.
    /// </summary>
    private Task FinishCancelledValidatingAsync()
    {
        var s = state.State;
        var dryRun = s.Config!.Options.DryRun;
        const string warning = "cancelled while validating: the comparison of the targets with what was loaded did not finish";
        if (!dryRun && !s.Warnings.Contains(warning)) s.Warnings.Add(warning);
        return FinishCancelledAsync(nothingWritten: dryRun);
    }

    /// <summary>Step 4.9: final status, report stored with the job, reminder and staging released.</summary>
    private async Task FinishAsync(JobStatus final, string? error)
    {
        _beforeUnsavedMove ??= Snapshot();
        var s = state.State;
        var now = DateTimeOffset.UtcNow;
        s.Error = error;
        s.CompletedAt = now;
        CloseTiming(now);
        s.Report = JobViews.Report(JobId, s, final, pipeline.Entities(s.Config!));
        await MoveAsync(final);
        pipeline.Metrics.JobFinished(final.ToString(), now - s.SubmittedAt);
        JobLog.Finished(logger, JobId, final.ToWire(), error ?? "");
        await ReleaseAsync();
    }

    /// <summary>What a final job lets go of once its status is stored: the resume reminder, and its staging.</summary>
    private async Task ReleaseAsync()
    {
        await UnregisterResumeAsync();
        try
        {
            await pipeline.Reader.DeleteStagingAsync(JobId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            JobLog.StagingCleanupFailed(logger, JobId, ex.GetType().Name);
        }
    }

    /// <summary>
    /// The steps that follow a final status once it is stored, again: the job list's row, then <see cref="ReleaseAsync"/>.
    /// A store fault between them, or the silo dying, had left the row saying the job runs, for good: the list filed it
    /// under a status it no longer has, and every later job with overlapping data waited for it. So the retry after such
    /// a fault comes here, and so do the resume reminder (registered until the row is written) and a silo's failover scan
    /// (which goes by that row).
    /// </summary>
    private async Task CompleteFinalAsync()
    {
        var s = state.State;
        await index.UpsertAsync(JobId, s.Config!, s.Status, s.SubmittedAt, s.UpdatedAt, CancellationToken.None);
        await ReleaseAsync();
    }

    private async Task MoveAsync(JobStatus next)
    {
        var s = state.State;
        if (!s.Status.CanMoveTo(next)) throw new InvalidOperationException($"illegal status change {s.Status.ToWire()} -> {next.ToWire()}");
        _beforeUnsavedMove ??= Snapshot();
        var now = DateTimeOffset.UtcNow;
        if (!next.IsFinal()) CloseTiming(now);
        s.StartedAt ??= now;
        s.Status = next;
        s.PhaseStartedAt = now;
        s.History.Add(new StatusChange(next, now));
        Scope.Phase = next.ToString();
        if (next.IsFinal())
        {
            // A job that finished is at 100 %; one that failed or was cancelled stays where it got to.
            if (next.IsCompleted()) Advance(100);
            if (s.Report is not null) s.Report = s.Report with { Status = next };
        }
        await SaveAsync();
        _beforeUnsavedMove = null;
        await index.UpsertAsync(JobId, s.Config!, next, s.SubmittedAt, s.UpdatedAt, CancellationToken.None);
        JobLog.StatusChanged(logger, JobId, next.ToWire());
        this.DelayDeactivation(TimeSpan.FromMinutes(10));
    }

    private void CloseTiming(DateTimeOffset now)
    {
        var s = state.State;
        if (s.PhaseStartedAt is not { } started || !s.Status.IsRunning()) return;
        var phase = s.Status.ToString();
        var seconds = (now - started).TotalSeconds;
        var index = s.Phases.FindIndex(p => p.Phase == phase);
        if (index >= 0) s.Phases[index] = new PhaseTiming(phase, s.Phases[index].Seconds + seconds);
        else s.Phases.Add(new PhaseTiming(phase, seconds));
        s.PhaseStartedAt = now;
    }

    private void Advance(double percent)
    {
        if (percent > state.State.Percent) state.State.Percent = Math.Min(100, percent);
        this.DelayDeactivation(TimeSpan.FromMinutes(10));
        _retrying = null;   // moving forward again
    }

    private EntityState Entity(EntityKind kind)
    {
        var name = EntitySchema.For(kind).Name;
        if (!state.State.Entities.TryGetValue(name, out var es)) state.State.Entities[name] = es = new EntityState();
        return es;
    }
}

/// <summary>A loader could not store a batch at all; <see cref="Transient"/> when the cause may pass.</summary>
public sealed class BatchFailedException(string entity, int batchNo, string cause, bool transient)
    : Exception($"{entity} batch {batchNo} could not be stored: {cause}")
{
    public bool Transient { get; } = transient;
}
