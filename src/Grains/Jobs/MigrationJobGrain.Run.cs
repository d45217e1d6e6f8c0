using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Sources;
using AdManager.Grains.Stores;

namespace AdManager.Grains.Jobs;

/// <summary>The pipeline (DataGovernanceService, steps 4.1-4.9), phase by phase, each resumable from its checkpoint.</summary>
public sealed partial class MigrationJobGrain
{
    private long _liveRead;
    private DateTimeOffset _startedThisRun;

    private async Task RunAsync(CancellationToken ct)
    {
        // Return to the caller (stream delivery, reminder, request) before any work starts.
        await Task.Yield();
        _startedThisRun = DateTimeOffset.UtcNow;
        var s = state.State;
        try
        {
            if (s.CancelRequested)
            {
                await FinishAsync(JobStatus.Cancelled, null);
                return;
            }
            JobLog.Running(logger, JobId, s.Status.ToWire());
            if (s.Status == JobStatus.Submitted) await MoveAsync(JobStatus.Extracting);                   // 4.1
            if (s.Status == JobStatus.Extracting && !await ExtractAsync(ct)) return;                       // 4.2
            if (s.Status == JobStatus.Transforming && !await TransformAsync(ct)) return;                   // 4.3-4.4
            if (s.Status == JobStatus.Loading && !await LoadAsync(ct)) return;                             // 4.5-4.6
            if (s.Status == JobStatus.Validating) await ValidateAsync(ct);                                 // 4.7-4.9
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The activation is going away (silo shutdown): the checkpoint stands, the reminder resumes the job.
            JobLog.Paused(logger, JobId, s.Status.ToWire());
        }
        catch (Exception ex) when (ex is ExportFileException or LegacySourceException)
        {
            // Messages written for administrators (and, for the legacy database, free of credentials).
            await FailAsync(ex.Message);
        }
        catch (Exception ex)
        {
            JobLog.Crashed(logger, JobId, s.Status.ToWire(), ex);
            await FailAsync($"{s.Status.ToWire()} failed: {(ex is BatchFailedException ? ex.Message : StoreErrors.Describe(ex))}");
        }
    }

    private async Task<bool> ExtractAsync(CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        var entities = pipeline.Entities(config);
        await using var source = await pipeline.Sources.OpenAsync(JobId, config, ct);
        if (source.SnapshotAt is { } snapshotAt)
        {
            // One snapshot for every entity: whatever an interrupted run extracted came from an older snapshot, so
            // extraction starts over (entity checkpoints hold only within one snapshot).
            foreach (var kind in entities) s.Entities[EntitySchema.For(kind).Name] = new EntityState();
            s.Warnings.Clear();
            s.SourceSnapshotAt = snapshotAt;
            await SaveAsync();
        }
        var scope = config.Scope.MerchantIds.ToHashSet(StringComparer.Ordinal);
        var done = 0;
        foreach (var kind in entities)
        {
            var schema = EntitySchema.For(kind);
            var es = Entity(kind);
            if (!es.Extracted)
            {
                await pipeline.Resolver.ResetEntityAsync(JobId, kind, ct);
                if (source.Has(kind))
                {
                    Interlocked.Exchange(ref _liveRead, 0);
                    var result = await Task.Run(() =>
                    {
                        using var records = source.Open(schema, ct);
                        return pipeline.Extract.Run(JobId, schema, records, scope, n => Interlocked.Exchange(ref _liveRead, n), ct);
                    }, ct);
                    es.Read = result.Read;
                    es.Skipped = result.Skipped;
                    es.Rejected = result.Rejected;
                    foreach (var warning in result.Warnings.Where(w => !s.Warnings.Contains(w))) s.Warnings.Add(warning);
                    Interlocked.Exchange(ref _liveRead, 0);
                    JobLog.EntityExtracted(logger, JobId, schema.Name, result.Read, result.Rejected, result.Skipped);
                }
                es.Extracted = true;
                Advance(40.0 * (done + 1) / entities.Count);
                await SaveAsync();
            }
            done++;
            if (s.CancelRequested)
            {
                await FinishAsync(JobStatus.Cancelled, null);
                return false;
            }
        }
        await MoveAsync(JobStatus.Transforming);
        return true;
    }

    private async Task<bool> TransformAsync(CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        await pipeline.Resolver.ResolveAsync(JobId, config.Options.BatchSize, ct);
        var byReason = await pipeline.Reader.RejectionsByReasonAsync(JobId, ct);
        long rejected = 0, considered = 0;
        foreach (var kind in pipeline.Entities(config))
        {
            var es = Entity(kind);
            var (superseded, loadable, batches) = await pipeline.Reader.CountAsync(JobId, kind, ct);
            es.Superseded = superseded;
            es.Loaded = loadable;
            es.BatchesTotal = batches;
            es.RejectedByReason = byReason[kind];
            es.Rejected = byReason[kind].Values.Sum();
            rejected += es.Rejected;
            considered += es.Read - es.Skipped;
        }
        Advance(45);
        await SaveAsync();

        // The reject threshold, before anything is written to a target.
        var ratio = considered == 0 ? 0 : (double)rejected / considered;
        if (ratio > config.Options.MaxRejectedRatio)
        {
            foreach (var es in s.Entities.Values) es.Loaded = 0;
            await FailAsync($"{rejected} of {considered} in-scope records were rejected ({ratio:P2}), above maxRejectedRatio {config.Options.MaxRejectedRatio:0.####}; nothing was written to any target");
            return false;
        }
        if (s.CancelRequested)
        {
            foreach (var es in s.Entities.Values) es.Loaded = 0;
            await FinishAsync(JobStatus.Cancelled, null);
            return false;
        }
        await MoveAsync(JobStatus.Loading);
        return true;
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        if (config.Options.DryRun)
        {
            await MoveAsync(JobStatus.Validating);
            return true;
        }
        if (s.MigratedAt is null)
        {
            // Microsecond precision: what PostgreSQL stores is exactly what DynamoDB gets.
            var now = DateTimeOffset.UtcNow;
            s.MigratedAt = now.AddTicks(-(now.Ticks % 10));
            await SaveAsync();
        }

        var inFlight = new List<Task<(EntityKind Kind, BatchResult Result)>>();
        var totalBatches = s.Entities.Values.Sum(e => e.BatchesTotal);
        foreach (var kind in pipeline.Entities(config))
        {
            var es = Entity(kind);
            for (var batchNo = 0; batchNo < es.BatchesTotal; batchNo++)
            {
                if (es.IsBatchDone(batchNo)) continue;
                if (s.CancelRequested) break;
                inFlight.Add(SendBatchAsync(kind, batchNo, s.MigratedAt.Value, ct));
                if (inFlight.Count >= options.Value.LoadConcurrency) await CompleteOneAsync(inFlight, totalBatches);
            }
        }
        while (inFlight.Count > 0) await CompleteOneAsync(inFlight, totalBatches);

        if (s.CancelRequested)
        {
            await FinishAsync(JobStatus.Cancelled, null);
            return false;
        }
        await MoveAsync(JobStatus.Validating);
        return true;
    }

    private async Task CompleteOneAsync(List<Task<(EntityKind Kind, BatchResult Result)>> inFlight, int totalBatches)
    {
        var finished = await Task.WhenAny(inFlight);
        inFlight.Remove(finished);
        var (kind, result) = await finished;
        if (result.Status == BatchStatus.Failed)
        {
            throw new BatchFailedException(EntitySchema.For(kind).Name, result.BatchNo, result.Errors.FirstOrDefault()?.Error ?? "unknown error");
        }
        var es = Entity(kind);
        foreach (var error in result.Errors.Take(10))
        {
            state.State.Warnings.Add($"{EntitySchema.For(kind).Name}: loader refused {error.Key}: {error.Error}");
        }
        es.MarkBatchDone(result.BatchNo);
        es.Written += result.Written;
        var completed = state.State.Entities.Values.Sum(e => e.BatchesCompleted);
        Advance(45 + 50.0 * completed / Math.Max(1, totalBatches));
        await SaveAsync();                                                                                 // checkpoint per batch
        JobLog.BatchLoaded(logger, JobId, EntitySchema.For(kind).Name, result.BatchNo, result.Written, completed, totalBatches);
    }

    private async Task<(EntityKind, BatchResult)> SendBatchAsync(EntityKind kind, int batchNo, DateTimeOffset migratedAt, CancellationToken ct)
    {
        var reader = pipeline.Reader;
        BatchResult result = kind switch
        {
            EntityKind.Campaigns => await GrainFactory.GetGrain<ICampaignLoaderGrain>(0).Load(
                new CampaignBatch(JobId, batchNo, migratedAt, await reader.CampaignBatchAsync(JobId, batchNo, ct), [])),
            EntityKind.CampaignPerformance => await GrainFactory.GetGrain<ICampaignLoaderGrain>(0).Load(
                new CampaignBatch(JobId, batchNo, migratedAt, [], await reader.PerformanceBatchAsync(JobId, batchNo, ct))),
            EntityKind.Catalogs => await GrainFactory.GetGrain<ICatalogLoaderGrain>(0).Load(
                new CatalogBatch(JobId, batchNo, migratedAt, await reader.CatalogBatchAsync(JobId, batchNo, ct), [])),
            _ => await GrainFactory.GetGrain<ICatalogLoaderGrain>(0).Load(
                new CatalogBatch(JobId, batchNo, migratedAt, [], await reader.ProductBatchAsync(JobId, batchNo, ct))),
        };
        return (kind, result);
    }

    private async Task ValidateAsync(CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        var entities = pipeline.Entities(config);
        if (config.Options.DryRun)
        {
            s.Validation = new ValidationResult(true, [], []);
            foreach (var kind in entities) Entity(kind).Verified = Entity(kind).Loaded;
        }
        else
        {
            var batches = entities.ToDictionary(k => k, k => Entity(k).BatchesTotal);
            var (result, verified) = await pipeline.Validate.RunAsync(JobId, s.MigratedAt!.Value, entities, batches, ct);
            s.Validation = result;
            foreach (var (kind, count) in verified) Entity(kind).Verified = count;
        }
        Advance(99);

        var anyRejected = s.Entities.Values.Any(e => e.Rejected > 0);
        if (!s.Validation.Passed)
        {
            await FinishAsync(JobStatus.Failed, $"validation found {s.Validation.Mismatches.Count} mismatch(es) between what was loaded and the targets");
        }
        else
        {
            await FinishAsync(anyRejected ? JobStatus.CompletedWithErrors : JobStatus.Completed, null);
        }
    }

    private Task FailAsync(string error) => FinishAsync(JobStatus.Failed, error);

    /// <summary>Step 4.9: final status, report stored with the job, reminder and staging released.</summary>
    private async Task FinishAsync(JobStatus final, string? error)
    {
        var s = state.State;
        var now = DateTimeOffset.UtcNow;
        s.Error = error;
        s.CompletedAt = now;
        CloseTiming(now);
        s.Report = JobViews.Report(JobId, s, final, pipeline.Entities(s.Config!));
        await MoveAsync(final);
        JobLog.Finished(logger, JobId, final.ToWire(), error ?? "");
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

    private async Task MoveAsync(JobStatus next)
    {
        var s = state.State;
        if (!s.Status.CanMoveTo(next)) throw new InvalidOperationException($"illegal status change {s.Status.ToWire()} -> {next.ToWire()}");
        var now = DateTimeOffset.UtcNow;
        if (!next.IsFinal()) CloseTiming(now);
        s.StartedAt ??= now;
        s.Status = next;
        s.PhaseStartedAt = now;
        s.History.Add(new StatusChange(next, now));
        if (next.IsFinal())
        {
            Advance(100);
            if (s.Report is not null) s.Report = s.Report with { Status = next };
        }
        await SaveAsync();
        await index.UpsertAsync(JobId, next.ToWire(), s.SubmittedAt, s.UpdatedAt, CancellationToken.None);
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
    }

    private EntityState Entity(EntityKind kind)
    {
        var name = EntitySchema.For(kind).Name;
        if (!state.State.Entities.TryGetValue(name, out var es)) state.State.Entities[name] = es = new EntityState();
        return es;
    }
}

/// <summary>A loader could not store a batch at all.</summary>
public sealed class BatchFailedException(string entity, int batchNo, string cause)
    : Exception($"{entity} batch {batchNo} could not be stored: {cause}");
