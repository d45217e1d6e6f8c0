using AdManager.Grains.Abstractions.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The job list's index (<c>migration_jobs</c>): the job grains write their status here at every move,
/// the API reads ids from it newest first and asks the grains for everything else. Rows belong to
/// this Orleans service id, so several deployments (or test hosts) can share one database.
/// </summary>
public sealed class JobIndexStore(NpgsqlDataSource dataSource, IOptions<ClusterOptions> cluster)
{
    /// <summary>The final statuses as <c>migration_jobs.status</c> holds them.</summary>
    internal static readonly string[] FinalStatuses =
        [.. Enum.GetValues<JobStatus>().Where(s => s.IsFinal()).Select(s => s.ToWire())];

    private string ServiceId => cluster.Value.ServiceId;

    public async Task UpsertAsync(Guid jobId, JobConfig config, JobStatus status, DateTimeOffset submittedAt, DateTimeOffset updatedAt, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO migration_jobs (job_id, status, submitted_at, updated_at, service_id, merchant_ids, data_types, dry_run)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (job_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        command.Parameters.Add(new NpgsqlParameter { Value = status.ToWire() });
        command.Parameters.Add(new NpgsqlParameter { Value = submittedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = updatedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter { Value = ServiceId });
        command.Parameters.Add(new NpgsqlParameter { Value = config.Scope.MerchantIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = config.Scope.DataTypes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = config.Options.DryRun });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Job ids newest first (ids are UUIDv7, so id order is submission order), after <paramref name="before"/> when given.</summary>
    public async Task<List<Guid>> ListAsync(string? status, Guid? before, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT job_id FROM migration_jobs
            WHERE service_id = $4 AND ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR job_id < $2)
            ORDER BY job_id DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = before.HasValue ? before.Value : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = ServiceId });
        return await ReadIdsAsync(command, ct);
    }

    /// <summary>Jobs of this service that are not final, oldest first: the ones to resume after a silo died.</summary>
    public async Task<List<Guid>> UnfinishedAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT job_id FROM migration_jobs WHERE service_id = $1 AND status <> ALL($2) ORDER BY job_id");
        command.Parameters.Add(new NpgsqlParameter { Value = ServiceId });
        command.Parameters.Add(new NpgsqlParameter { Value = FinalStatuses });
        return await ReadIdsAsync(command, ct);
    }

    /// <summary>
    /// An earlier, unfinished, non-dry-run job whose data overlaps this one's (a shared data type, and
    /// merchants in common or either job covering all merchants), or null. A job loads only after
    /// such jobs are final, so per key the later job's data is what remains.
    /// </summary>
    public async Task<Guid?> EarlierOverlappingAsync(Guid jobId, JobConfig config, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT job_id FROM migration_jobs
            WHERE service_id = $1 AND job_id < $2 AND NOT dry_run AND status <> ALL($3)
              AND data_types && $4
              AND (cardinality(merchant_ids) = 0 OR cardinality($5::text[]) = 0 OR merchant_ids && $5)
            ORDER BY job_id LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ServiceId });
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        command.Parameters.Add(new NpgsqlParameter { Value = FinalStatuses });
        command.Parameters.Add(new NpgsqlParameter { Value = config.Scope.DataTypes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = config.Scope.MerchantIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var ids = await ReadIdsAsync(command, ct);
        return ids.Count > 0 ? ids[0] : null;
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
            expire.Parameters.Add(new NpgsqlParameter { Value = ServiceId + "/" + key });
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
        command.Parameters.Add(new NpgsqlParameter { Value = ServiceId + "/" + key });
        command.Parameters.Add(new NpgsqlParameter { Value = requestHash });
        command.Parameters.Add(new NpgsqlParameter { Value = newJobId });
        // A request with the same key at the same instant: its insert committed while this one's waited on the conflict,
        // after this statement's snapshot was taken, so the statement finds no row. The next statement sees it.
        for (var attempt = 1; ; attempt++)
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct)) return new IdempotencyClaim(reader.GetGuid(0), reader.GetBoolean(2), reader.GetString(1) == requestHash);
            if (attempt == 3) throw new InvalidOperationException($"idempotency key claim found no row {attempt} times");
        }
    }

    private static async Task<List<Guid>> ReadIdsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }
}

/// <summary>The outcome of claiming an idempotency key.</summary>
public sealed record IdempotencyClaim(Guid JobId, bool Created, bool SameRequest);
