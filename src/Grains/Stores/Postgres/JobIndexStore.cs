using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The job list's index (<c>migration_jobs</c>): the job grains write their status here at every move,
/// the API reads ids from it newest first and asks the grains for everything else.
/// </summary>
public sealed class JobIndexStore(NpgsqlDataSource dataSource)
{
    public async Task UpsertAsync(Guid jobId, string status, DateTimeOffset submittedAt, DateTimeOffset updatedAt, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO migration_jobs (job_id, status, submitted_at, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (job_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        command.Parameters.Add(new NpgsqlParameter { Value = submittedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = updatedAt.UtcDateTime });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Job ids newest first (ids are UUIDv7, so id order is submission order), after <paramref name="before"/> when given.</summary>
    public async Task<List<Guid>> ListAsync(string? status, Guid? before, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT job_id FROM migration_jobs
            WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR job_id < $2)
            ORDER BY job_id DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = before.HasValue ? before.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var ids = new List<Guid>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <summary>
    /// Claims an idempotency key for a new job, or returns the job that already holds it. A different body
    /// under the same key is a conflict. Keys older than 24 hours are forgotten.
    /// </summary>
    public async Task<IdempotencyClaim> ClaimAsync(string key, string requestHash, Guid newJobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using (var expire = new NpgsqlCommand("DELETE FROM migration_idempotency WHERE idempotency_key = $1 AND created_at < now() - interval '24 hours'", connection))
        {
            expire.Parameters.Add(new NpgsqlParameter { Value = key });
            await expire.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand("""
            WITH ins AS (
                INSERT INTO migration_idempotency (idempotency_key, request_hash, job_id, created_at) VALUES ($1, $2, $3, now())
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING job_id, request_hash)
            SELECT job_id, request_hash, true FROM ins
            UNION ALL
            SELECT job_id, request_hash, false FROM migration_idempotency WHERE idempotency_key = $1 AND NOT EXISTS (SELECT 1 FROM ins)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = requestHash });
        command.Parameters.Add(new NpgsqlParameter { Value = newJobId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var jobId = reader.GetGuid(0);
        var sameBody = reader.GetString(1) == requestHash;
        var created = reader.GetBoolean(2);
        return new IdempotencyClaim(jobId, created, sameBody);
    }
}

/// <summary>The outcome of claiming an idempotency key.</summary>
public sealed record IdempotencyClaim(Guid JobId, bool Created, bool SameRequest);
