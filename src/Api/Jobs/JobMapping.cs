using AdManager.Grains.Abstractions.Jobs;

namespace AdManager.Api.Jobs;

/// <summary>From grain views to the HTTP contract of <c>spec/api.md</c>.</summary>
internal static class JobMapping
{
    public static string JobUrl(Guid jobId) => $"/admin/data-migration/jobs/{jobId}";

    public static string ReportUrl(Guid jobId) => $"{JobUrl(jobId)}/report";

    public static string RejectionsUrl(Guid jobId) => $"{JobUrl(jobId)}/rejections";

    public static JobResponse ToResponse(this JobSnapshot s)
    {
        var c = s.Config;
        var p = s.Progress;
        return new JobResponse(
            s.JobId, s.Status.ToWire(), c.Options.DryRun,
            new SourceResponse(c.Source.Kind, c.Source.Location, c.Source.CredentialsRef, c.Source.Schema),
            new ScopeResponse(c.Scope.MerchantIds, c.Scope.DataTypes),
            new OptionsResponse(c.Options.BatchSize, c.Options.DryRun, c.Options.MaxRejectedRatio),
            new ProgressResponse(p.Percent, p.RecordsRead, p.RecordsRejected, p.RecordsSkipped, p.RecordsSuperseded,
                p.RecordsLoaded, p.RecordsVerified, p.BatchesTotal, p.BatchesCompleted, p.RecordsPerSecond),
            s.SubmittedAt, s.UpdatedAt, s.CompletedAt,
            s.HasReport ? ReportUrl(s.JobId) : null,
            s.Error, s.SubmittedBy,
            s.History.Select(h => new StatusChangeResponse(h.Status.ToWire(), h.At)).ToList(),
            s.Host, s.WaitingFor,
            s.Retrying is { } r ? new RetryResponse(r.Attempt, r.Budget, r.Cause, r.Since) : null);
    }

    public static ReportResponse ToResponse(this MigrationReport r) => new(
        r.JobId, r.Status.ToWire(), r.DryRun, r.StartedAt, r.CompletedAt,
        Math.Round((r.CompletedAt - r.StartedAt).TotalSeconds, 3),
        r.SourceSnapshotAt,
        r.Entities.ToDictionary(e => e.Key, e => new EntityReportResponse(
            e.Value.Read, e.Value.SkippedOutOfScope, e.Value.Rejected, e.Value.Superseded, e.Value.Loaded, e.Value.Verified,
            new SortedDictionary<string, long>(e.Value.RejectedByReason.ToDictionary(x => x.Key, x => x.Value), StringComparer.Ordinal))),
        new ValidationResponse(r.Validation.Passed,
            r.Validation.Checks.Select(c => new ValidationCheckResponse(c.Entity, c.Target, c.Expected, c.Found, c.ChecksumMatch)).ToList(),
            r.Validation.Mismatches),
        r.Warnings, r.Error,
        r.Phases.Select(p => new PhaseTimingResponse(p.Phase, Math.Round(p.Seconds, 3))).ToList(),
        r.SubmittedBy, r.CancelledBy, RejectionsUrl(r.JobId), r.NothingWritten);
}
