using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Phases;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Jobs;

/// <summary>Phase Extracting (step 4.2): every entity file read and staged, entity by entity, each a checkpoint.</summary>
public sealed partial class MigrationJobGrain
{
    private async Task<bool> ExtractAsync(CancellationToken ct)
    {
        if (!await ExtractEntitiesAsync(stopOnCancel: true, ct)) return false;
        await MoveAsync(JobStatus.Transforming);
        return true;
    }

    /// <summary>
    /// Reads and stages every entity not yet extracted; false when the job was cancelled (and is now final). A cancel stops
    /// the read only in Extracting (<paramref name="stopOnCancel"/>): a job reading its source again in a later phase reads
    /// it to the end, so the phase it was in ends the job with the whole source counted (read, rejected) beside what it
    /// wrote, as a cancel in that phase does without a re-read.
    /// </summary>
    private async Task<bool> ExtractEntitiesAsync(bool stopOnCancel, CancellationToken ct)
    {
        var s = state.State;
        var config = s.Config!;
        var entities = pipeline.Entities(config);
        async Task<(bool Cancelled, T Result)> ReadAsync<T>(Func<CancellationToken, Task<T>> read) => stopOnCancel
            ? await CancellableAsync(read, (e, _) => e is OperationCanceledException, ct)
            : (false, await read(ct));
        if (config.Source.Kind == SourceKinds.File)
        {
            // File-level problems found in the first record of any file fail the job before a record is read.
            var files = pipeline.Discover(config);
            var unread = files.Where(f => !Entity(f.Key).Extracted).ToDictionary();
            // A cancel stops it too (a first record of gigabytes is read to its end otherwise).
            var (cancelled, _) = await ReadAsync(token => Task.Run(() => { pipeline.Preflight(unread, token); return true; }, token));
            if (cancelled)
            {
                await FinishAsync(JobStatus.Cancelled, null);
                return false;
            }
        }
        await using var source = await pipeline.Sources.OpenAsync(JobId, config, ct);
        if (source.SnapshotAt is { } snapshotAt)
        {
            // One snapshot for every entity: whatever an interrupted run extracted came from an older snapshot, so
            // extraction starts over (entity checkpoints hold only within one snapshot).
            foreach (var name in entities.Select(kind => EntitySchema.For(kind).Name)) s.Entities[name] = ReadAgain(s.Entities.GetValueOrDefault(name));
            s.Warnings.Clear();
            s.SourceSnapshotAt = snapshotAt;
            await SaveAsync();
        }
        var scope = config.Scope.MerchantIds.ToHashSet(StringComparer.Ordinal);
        var done = 0;
        // Entities staged since the last save: they are checkpointed before the next file is read (a job that stops
        // while reading it resumes there), and the last of them by whatever the caller stores next (the move to
        // Transforming, or the re-staging's own save), so an entity without a file costs no write of its own.
        var unsaved = false;
        foreach (var kind in entities)
        {
            var schema = EntitySchema.For(kind);
            var es = Entity(kind);
            if (!es.Extracted)
            {
                await pipeline.Resolver.ResetEntityAsync(JobId, kind, ct);
                es.Staged = 0;
                if (source.Has(kind))
                {
                    if (unsaved) await SaveAsync();
                    unsaved = false;
                    Interlocked.Exchange(ref _liveRead, 0);
                    // A cancel stops the read within a few thousand records; what was read of the file is not staged.
                    var (cancelled, result) = await ReadAsync(token => Task.Run(() =>
                    {
                        using var records = source.Open(schema, token);
                        return pipeline.Extract.Run(JobId, schema, records, scope, n => Interlocked.Exchange(ref _liveRead, n), token);
                    }, token));
                    if (cancelled)
                    {
                        Interlocked.Exchange(ref _liveRead, 0);
                        await FinishAsync(JobStatus.Cancelled, null);
                        return false;
                    }
                    es.Read = result.Read;
                    es.Skipped = result.Skipped;
                    es.Rejected = result.Rejected;
                    es.Staged = result.Staged;
                    foreach (var warning in result.Warnings.Where(w => !s.Warnings.Contains(w))) s.Warnings.Add(warning);
                    Interlocked.Exchange(ref _liveRead, 0);
                    JobLog.EntityExtracted(logger, JobId, schema.Name, result.Read, result.Rejected, result.Skipped);
                    pipeline.Metrics.RecordsRead(schema.Name, result.Read);
                }
                es.Extracted = true;
                Advance(40.0 * (done + 1) / entities.Count);
                unsaved = true;
            }
            done++;
            if (stopOnCancel && s.CancelRequested)
            {
                await FinishAsync(JobStatus.Cancelled, null);
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// After extraction a job needs its staging until it is final. Unlogged staging comes back empty after a PostgreSQL
    /// crash; a job that finds it so (or was already re-staging when it stopped) reads its source again and resolves
    /// again, keeping its status, its migratedAt and its load checkpoint (see <see cref="ReadAgain"/>), then goes on where
    /// it was: loading sends the batches not stored yet, validation compares the targets with the new staging. A cancel
    /// meanwhile is left to that phase (the source is read to the end first).
    /// </summary>
    private async Task RestageIfLostAsync(CancellationToken ct)
    {
        var s = state.State;
        if (s.Status is not (JobStatus.Transforming or JobStatus.Loading or JobStatus.Validating)) return;
        if (!s.Restaging)
        {
            var staged = pipeline.Entities(s.Config!).Select(kind => (kind, Entity(kind).Staged ?? 0));
            if ((await pipeline.Reader.LostAsync(JobId, staged, ct)).Count == 0) return;
            JobLog.StagingLost(logger, JobId, s.Status.ToWire());
            s.Restaging = true;
            await DiscardExtractionAsync();
            await SaveAsync();
        }
        await ExtractEntitiesAsync(stopOnCancel: false, ct);
        if (s.Status != JobStatus.Transforming) await ResolveStagingAsync(ct);
        const string warning = "PostgreSQL lost this job's staging (a crash empties unlogged tables) after extraction; the source was read again";
        if (!s.Warnings.Contains(warning)) s.Warnings.Add(warning);
        s.Restaging = false;
        await SaveAsync();
    }

    /// <summary>Forgets every record read so far: staging, rejections and counts.</summary>
    private async Task DiscardExtractionAsync()
    {
        foreach (var entity in EntitySchema.All)
        {
            await pipeline.Resolver.ResetEntityAsync(JobId, entity.Kind, CancellationToken.None);
        }

        foreach (var name in state.State.Entities.Keys.ToList()) state.State.Entities[name] = ReadAgain(state.State.Entities[name]);
        Interlocked.Exchange(ref _liveRead, 0);
    }

    /// <summary>
    /// An entity's state for reading its source again. Once Loading began, what the targets hold stays counted, with the
    /// batches that stored it: a source read again gives the same batches (a file; a legacy database's new snapshot may
    /// differ, and validation then names what changed), so Loading goes on from its checkpoint and a job that stops
    /// meanwhile still reports what it wrote (it had reported nothing, and a finished job "nothing written").
    /// </summary>
    private EntityState ReadAgain(EntityState? old) =>
        old is not null && state.State.Status is JobStatus.Loading or JobStatus.Validating
            ? new EntityState { BatchWatermark = old.BatchWatermark, BatchesDone = old.BatchesDone, Written = old.Written }
            : new EntityState();
}
