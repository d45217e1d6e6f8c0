using System.Diagnostics;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.Grains.Telemetry;

namespace AdManager.Grains.Jobs;

/// <summary>Loading (steps 4.5-4.6): the resolved batches to the loaders, a few calls in flight, a checkpoint per call.</summary>
public sealed partial class MigrationJobGrain
{
    /// <summary>A loader call in flight: batches <c>First</c> to <c>Last</c> of an entity.</summary>
    private sealed record LoadCall(EntityKind Kind, int First, int Last, BatchResult Result);

    /// <summary>
    /// Sends the batches not yet stored. <paramref name="resuming"/>: the job was in Loading when this run started, so a
    /// run before it (on a host that died or stopped) may have left calls unaccounted for: sent, perhaps written, never
    /// checkpointed. Those are among the first calls this run sends (batches go in order, at most a window of calls in
    /// flight), so a cancel stops this run only once it has sent a window's worth: what a cancelled job reports as loaded
    /// is then what the targets hold (an upsert by key writes the same rows again).
    /// </summary>
    private async Task<bool> LoadAsync(bool resuming, CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        if (config.Options.DryRun)
        {
            if (s.CancelRequested)
            {
                await FinishCancelledAsync(nothingWritten: true);
                return false;
            }
            await MoveAsync(JobStatus.Validating);
            return true;
        }
        var (proceed, waited) = await WaitForEarlierJobsAsync(ct);
        if (!proceed) return false;
        // The stamp is stored before any batch is sent, so a call still in flight from a run that stopped writes the
        // same value as the run that resumes. It came with the move to Loading; a job that then had to wait for an
        // earlier one is stamped again, later than that job's rows, before it loads anything.
        if (s.MigratedAt is null || (waited && s.Entities.Values.All(e => e.BatchesCompleted == 0)))
        {
            s.MigratedAt = MigrationStamp();
            await SaveAsync();
        }

        var inFlight = new List<Task<LoadCall>>();
        var unaccounted = resuming ? Math.Max(options.Value.LoadConcurrency, options.Value.MergeConcurrency) : 0;
        var sent = 0;
        var totalBatches = s.Entities.Values.Sum(e => e.BatchesTotal);
        var pace = options.Value.MaxBatchesPerSecond > 0 ? TimeSpan.FromSeconds(1 / options.Value.MaxBatchesPerSecond) : TimeSpan.Zero;
        var nextSend = DateTimeOffset.UtcNow;
        try
        {
            foreach (var kind in pipeline.Entities(config))
            {
                var es = Entity(kind);
                // PostgreSQL targets merge straight from staging, so one call takes many batches; DynamoDB takes one.
                var perCall = IsPostgresTarget(kind) ? Math.Max(1, options.Value.StagedRowsPerCall / config.Options.BatchSize) : 1;
                var concurrency = IsPostgresTarget(kind) ? options.Value.MergeConcurrency : options.Value.LoadConcurrency;
                for (var first = 0; first < es.BatchesTotal; first++)
                {
                    if (es.IsBatchDone(first)) continue;
                    if ((s.CancelRequested && sent >= unaccounted) || ct.IsCancellationRequested) break;
                    var last = first;
                    while (last + 1 < es.BatchesTotal && last + 1 - first < perCall && !es.IsBatchDone(last + 1)) last++;
                    if (pace > TimeSpan.Zero)
                    {
                        var wait = nextSend - DateTimeOffset.UtcNow;
                        if (wait > TimeSpan.Zero) await Task.Delay(wait, CancellationToken.None);
                        nextSend = DateTimeOffset.UtcNow + pace * (last - first + 1);
                    }
                    inFlight.Add(SendAsync(kind, first, last, s.MigratedAt.Value));
                    sent++;
                    while (inFlight.Count >= concurrency) await CompleteOneAsync(inFlight, totalBatches, checkpoint: true, ct);
                    first = last;
                }
            }
            // Shutting down (or cancelled): no new call is sent, those in flight finish and are checkpointed (a stopping silo
            // waits for them at most PauseDrain). The last call's checkpoint is the status stored right after it (Validating,
            // or Cancelled), unless the silo is stopping.
            while (inFlight.Count > 0) await CompleteOneAsync(inFlight, totalBatches, checkpoint: inFlight.Count > 1 || ct.IsCancellationRequested, ct);
        }
        catch (Exception e) when (inFlight.Count > 0 && !(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            // A call failed (the run goes back to its checkpoint): the other calls are still writing (a stopping silo has
            // waited for them already, see CompleteOneAsync). Wait for them (at most PauseDrain) so none lands after the
            // job moved on: a retry that sends the same batches again, or a final status after which a later overlapping
            // job may write the same keys.
            await Task.WhenAny(Task.WhenAll(inFlight), Task.Delay(PauseDrain, CancellationToken.None));
            throw;
        }
        ct.ThrowIfCancellationRequested();

        if (s.CancelRequested)
        {
            await FinishAsync(JobStatus.Cancelled, null);
            return false;
        }
        await MoveAsync(JobStatus.Validating);
        return true;
    }

    private static bool IsPostgresTarget(EntityKind kind) => kind is EntityKind.Campaigns or EntityKind.Catalogs;

    /// <summary>
    /// How long a stopping silo waits for a loader call that has not come back before it pauses the job without it. A
    /// batch takes well under a second; a call can hang when the runtime loses it (seen once: Orleans' stateless-worker
    /// loop failed with a NullReferenceException during shutdown, and the pause waited out the 30 s deactivation timeout).
    /// </summary>
    internal static readonly TimeSpan PauseDrain = TimeSpan.FromSeconds(10);

    private async Task CompleteOneAsync(List<Task<LoadCall>> inFlight, int totalBatches, bool checkpoint, CancellationToken ct)
    {
        var any = Task.WhenAny(inFlight);
        if (!await CompletesBeforePauseAsync(any, ct, PauseDrain))
        {
            // Stopping, and no call came back in time: none is checkpointed, all are sent again when the job resumes.
            foreach (var _ in inFlight) JobLog.BatchNotCheckpointed(logger, JobId, "no answer before the pause");
            inFlight.Clear();
            return;
        }
        var finished = await any;
        inFlight.Remove(finished);
        LoadCall call;
        try
        {
            call = await finished;
        }
        catch (Exception ex) when (ct.IsCancellationRequested && ex is not BatchFailedException)
        {
            // The silo is stopping and the call did not come back: its batches are not checkpointed and are
            // sent again when the job resumes, where an upsert by key writes the same rows.
            JobLog.BatchNotCheckpointed(logger, JobId, ex.GetType().Name);
            return;
        }
        var (kind, first, last, result) = call;
        using var batchScope = logger.BeginBatch(EntitySchema.For(kind).Name, result.BatchNo);
        if (result.Status == BatchStatus.Failed)
        {
            var cause = result.Errors.FirstOrDefault()?.Error ?? "unknown error";
            throw new BatchFailedException(EntitySchema.For(kind).Name, result.BatchNo, cause, result.Transient);
        }
        var es = Entity(kind);
        foreach (var error in result.Errors.Take(10))
        {
            state.State.Warnings.Add($"{EntitySchema.For(kind).Name}: loader refused {error.Key}: {error.Error}");
        }
        for (var batchNo = first; batchNo <= last; batchNo++) es.MarkBatchDone(batchNo);
        es.Written += result.Written;
        var completed = state.State.Entities.Values.Sum(e => e.BatchesCompleted);
        Advance(45 + 50.0 * completed / Math.Max(1, totalBatches));
        if (checkpoint) await SaveAsync();                                                                 // checkpoint per call
        pipeline.Metrics.RecordsLoaded(EntitySchema.For(kind).Name, result.Written);
        JobLog.BatchLoaded(logger, JobId, EntitySchema.For(kind).Name, result.BatchNo, result.Written, completed, totalBatches);
    }

    /// <summary>
    /// Whether <paramref name="whenAny"/> (a <see cref="Task.WhenAny(Task[])"/>, which never fails) completes: at any time
    /// while the job runs, within <paramref name="drain"/> once it is stopping (<paramref name="ct"/> cancelled).
    /// </summary>
    internal static async Task<bool> CompletesBeforePauseAsync(Task whenAny, CancellationToken ct, TimeSpan drain)
    {
        try
        {
            await whenAny.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            try
            {
                await whenAny.WaitAsync(drain);
            }
            catch (TimeoutException)
            {
            }
        }
        return whenAny.IsCompleted;
    }

    /// <summary>One loader call; not cancellable once sent, so a stopping silo checkpoints it rather than abandoning it (unless it does not come back within <see cref="PauseDrain"/>).</summary>
    private async Task<LoadCall> SendAsync(EntityKind kind, int first, int last, DateTimeOffset migratedAt)
    {
        var started = Stopwatch.GetTimestamp();
        BatchResult? result = null;
        try
        {
            var reader = pipeline.Reader;
            var batchSize = state.State.Config!.Options.BatchSize;
            var expected = Math.Max(0, Math.Min((long)(last + 1) * batchSize, Entity(kind).Loaded) - (long)first * batchSize);
            var staged = new StagedBatches(JobId, first, last, migratedAt, expected);
            result = kind switch
            {
                EntityKind.Campaigns => await GrainFactory.GetGrain<ICampaignLoaderGrain>(0).LoadStaged(staged),
                EntityKind.CampaignPerformance => await GrainFactory.GetGrain<ICampaignLoaderGrain>(0).Load(
                    new CampaignBatch(JobId, first, migratedAt, Whole(await reader.PerformanceBatchAsync(JobId, first, CancellationToken.None), expected))),
                EntityKind.Catalogs => await GrainFactory.GetGrain<ICatalogLoaderGrain>(0).LoadStaged(staged),
                _ => await GrainFactory.GetGrain<ICatalogLoaderGrain>(0).Load(
                    new CatalogBatch(JobId, first, migratedAt, Whole(await reader.ProductBatchAsync(JobId, first, CancellationToken.None), expected))),
            };
            // A merge accounts for every row of its batches, written or refused; fewer means the staging is not there.
            if (result.Status != BatchStatus.Failed && result.Written + result.Errors.Count < expected)
                throw new StagingLostException($"{EntitySchema.For(kind).Name} batches {first}-{last} held {result.Written + result.Errors.Count} of {expected} rows");
            return new LoadCall(kind, first, last, result);
        }
        finally
        {
            pipeline.Metrics.BatchCompleted(EntitySchema.For(kind).Name, result?.Status, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>A batch read from staging, which must hold every row resolving counted in it.</summary>
    private static List<T> Whole<T>(List<T> batch, long expected) =>
        batch.Count == expected ? batch : throw new StagingLostException($"a batch held {batch.Count} of {expected} rows");

    /// <summary>
    /// Per key the later job's data must win: a job loads only once every earlier job with overlapping
    /// data (merchants and data types) is final. Proceed is false when the job was cancelled while waiting (it is
    /// final now); Waited, when it found an earlier job still running.
    /// </summary>
    private async Task<(bool Proceed, bool Waited)> WaitForEarlierJobsAsync(CancellationToken ct)
    {
        try
        {
            while (await index.EarlierOverlappingAsync(JobId, state.State.Config!, ct) is { } earlier)
            {
                if (earlier != _waitingFor) JobLog.WaitingForEarlierJob(logger, JobId, earlier);
                _waitingFor = earlier;
                if (state.State.CancelRequested)
                {
                    await FinishCancelledAsync(nothingWritten: true);
                    return (false, true);
                }
                this.DelayDeactivation(TimeSpan.FromMinutes(10));
                await Task.Delay(options.Value.OverlapPollInterval, ct);
            }
            return (true, _waitingFor is not null);  // read before the finally clears it
        }
        finally
        {
            _waitingFor = null;
        }
    }

    /// <summary>The time stamped on every loaded record; microsecond precision, so what PostgreSQL stores is exactly what DynamoDB gets.</summary>
    private static DateTimeOffset MigrationStamp()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % 10));
    }
}
