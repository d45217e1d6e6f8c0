using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Jobs;

/// <summary>Builds what the outside sees of a job: the snapshot (step 6) and the final report.</summary>
internal static class JobViews
{
    /// <summary>What a reader sees of the job; <paramref name="durable"/>: its progress as last stored, whose percentage and load figures are shown.</summary>
    public static JobSnapshot Snapshot(Guid jobId, JobState s, DurableProgress durable, long liveRead, string host, Guid? waitingFor = null,
        JobRetry? retrying = null)
    {
        var entities = s.Entities.Values;
        var read = entities.Sum(e => e.Read) + liveRead;
        // Once final, what the report says was loaded; but a job stopped by the reject threshold loaded nothing, whatever
        // its report counts as "would have been loaded" (a dry run's progress shows those, as its report does).
        var loaded = s.Status.IsFinal() && s.Report is not null
            ? (s.Report.NothingWritten && !s.Report.DryRun ? 0 : s.Report.Entities.Values.Sum(e => e.Loaded))
            : durable.Written;
        var progress = new JobProgress(
            Percent: Math.Round(s.Status.IsCompleted() ? 100 : durable.Percent, 1),
            RecordsRead: read,
            RecordsRejected: entities.Sum(e => e.Rejected),
            RecordsSkipped: entities.Sum(e => e.Skipped),
            RecordsSuperseded: entities.Sum(e => e.Superseded),
            RecordsLoaded: loaded,
            RecordsVerified: entities.Sum(e => e.Verified),
            BatchesTotal: entities.Sum(e => e.BatchesTotal),
            // A dry run that ran to its end shows its batches as it shows its records: what would have been loaded.
            BatchesCompleted: s.Status.IsCompleted() && s.Config!.Options.DryRun ? entities.Sum(e => e.BatchesTotal) : durable.Batches,
            RecordsPerSecond: Math.Round(Rate(s, read), 1));
        return new JobSnapshot(jobId, s.Status, s.Config!, progress, s.SubmittedAt, s.UpdatedAt, s.CompletedAt,
            s.Report is not null && s.Status.IsFinal(), s.Error, s.SubmittedBy, s.History.ToList(), s.Status.IsRunning() ? host : null,
            s.Status.IsRunning() ? waitingFor : null, s.Status.IsRunning() ? retrying : null);
    }

    /// <summary>Records per second of the current phase: reading while extracting, writing while loading, overall once final.</summary>
    private static double Rate(JobState s, long read)
    {
        var now = DateTimeOffset.UtcNow;
        if (s.Status.IsFinal() && s.StartedAt is { } started && s.CompletedAt is { } completed)
        {
            var seconds = (completed - started).TotalSeconds;
            return seconds > 0 ? read / seconds : 0;
        }
        if (s.PhaseStartedAt is not { } phaseStart) return 0;
        var elapsed = (now - phaseStart).TotalSeconds;
        if (elapsed <= 0.2) return 0;
        return s.Status switch
        {
            JobStatus.Extracting => read / Math.Max(elapsed, 1e-3),
            JobStatus.Loading => s.Entities.Values.Sum(e => e.Written) / elapsed,
            _ => 0,
        };
    }

    public static MigrationReport Report(Guid jobId, JobState s, JobStatus final, IReadOnlyList<EntityKind> requested)
    {
        var dryRun = s.Config!.Options.DryRun;
        var entities = new Dictionary<string, EntityCounts>(StringComparer.Ordinal);
        foreach (var kind in requested)
        {
            var name = EntitySchema.For(kind).Name;
            s.Entities.TryGetValue(name, out var e);
            e ??= new EntityState();
            // A finished load reports what was resolved for loading; a stopped one what was written before it stopped; a
            // dry run, or a job stopped by the reject threshold before writing, what would have been loaded.
            var loaded = dryRun || s.RejectThresholdExceeded || final.IsCompleted() || s.Validation is not null
                ? e.Loaded : e.Written;
            entities[name] = new EntityCounts(e.Read, e.Skipped, e.Rejected, e.Superseded, loaded, e.Verified,
                new Dictionary<string, long>(e.RejectedByReason, StringComparer.Ordinal));
        }
        var started = s.StartedAt ?? s.SubmittedAt;
        return new MigrationReport(jobId, final, dryRun, started, s.CompletedAt ?? DateTimeOffset.UtcNow, entities,
            s.Validation ?? new ValidationResult(false, [], []), s.Warnings.ToList(), s.Error, s.Phases.ToList(),
            s.SubmittedBy, s.CancelledBy, s.SourceSnapshotAt,
            NothingWritten: dryRun || s.RejectThresholdExceeded || s.Entities.Values.All(e => e.Written == 0));
    }
}

/// <summary>
/// A job's progress as its state was last written or read: the percentage never goes down (it is the highest stored),
/// the batches done and records written are the stored checkpoint's, which is what a resumed run goes on from.
/// </summary>
internal readonly record struct DurableProgress(double Percent, int Batches, long Written)
{
    /// <summary>After <paramref name="s"/> was stored (or read from the store).</summary>
    public DurableProgress After(JobState s) =>
        new(Math.Max(Percent, s.Percent), s.Entities.Values.Sum(e => e.BatchesCompleted), s.Entities.Values.Sum(e => e.Written));
}
