using AdManager.Grains.Pipeline.Schema;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// Finds staging that no job will use again and drops it. A job drops its own staging when it reaches a final status,
/// but that can be missed: the silo dies between the final status and the <c>DROP</c>, or PostgreSQL is unreachable at
/// that moment (the job logs it and stays final). Left alone, such tables would keep a job's whole export in the
/// database for good. Swept: the staging tables and <c>stage_batches</c> rows of jobs whose <c>migration_jobs</c> row is
/// final, and of job ids that have no such row (a start-up warm-up interrupted by its silo's death) once the time in
/// their UUIDv7 is older than <c>olderThan</c>. Never touched: a job that is not final (it resumes from that staging),
/// and an id without a row whose age cannot be read. Rejections stay: the API serves them for final jobs.
/// </summary>
public sealed class StagingSweep(NpgsqlDataSource dataSource, StagingReader reader)
{
    /// <summary>Drops the staging that qualifies (see the class summary); returns the job ids it was dropped for.</summary>
    public async Task<IReadOnlyList<Guid>> RunAsync(TimeSpan olderThan, DateTimeOffset now, CancellationToken ct)
    {
        var swept = new List<Guid>();
        foreach (var (jobId, known, final) in await CandidatesAsync(ct))
        {
            if (final || (!known && CreatedAt(jobId) is { } created && now - created > olderThan))
            {
                await reader.DeleteStagingAsync(jobId, ct);
                swept.Add(jobId);
            }
        }
        return swept;
    }

    /// <summary>Every job id that has a staging table or a batch row, whether it has a job row, and whether that row is final.</summary>
    private async Task<List<(Guid JobId, bool Known, bool Final)>> CandidatesAsync(CancellationToken ct)
    {
        var prefixes = string.Join('|', EntitySchema.All.Select(e => StagingTables.Prefix(e.Kind).TrimEnd('_')));
        await using var command = dataSource.CreateCommand($"""
            WITH staged AS (
                SELECT substring(c.relname FROM '([0-9a-f]{"{32}"})$')::uuid AS job_id
                FROM pg_class c
                WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
                  AND c.relname ~ '^({prefixes})_[0-9a-f]{"{32}"}$'
                UNION
                SELECT job_id FROM stage_batches)
            SELECT s.job_id, j.job_id IS NOT NULL, coalesce(j.status = ANY($1), false)
            FROM staged s LEFT JOIN migration_jobs j ON j.job_id = s.job_id
            ORDER BY s.job_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = JobIndexStore.FinalStatuses });
        var candidates = new List<(Guid, bool, bool)>();
        await using var rows = await command.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct)) candidates.Add((rows.GetGuid(0), rows.GetBoolean(1), rows.GetBoolean(2)));
        return candidates;
    }

    /// <summary>When a UUIDv7 was made (its first 48 bits are Unix milliseconds); null for any other version.</summary>
    internal static DateTimeOffset? CreatedAt(Guid id)
    {
        if (id.Version != 7) return null;
        var hex = id.ToString("N");
        return DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(hex[..12], 16));
    }
}
