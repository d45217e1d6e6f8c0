using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Abstractions.Loading;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// What merging a run of staged batches into a PostgreSQL target did: rows written, the keys the loader's own checks
/// refused (left out of the merge; a defect upstream if ever non-empty), and whether the target already held some of the
/// run's keys, so the rows went in as an upsert rather than as plain inserts.
/// </summary>
public sealed record StagedMergeResult(int Written, IReadOnlyList<(string Key, string Problem)> Refused, bool Upserted = false);

/// <summary>
/// Writes staged rows straight into their target, set-based in PostgreSQL: no row travels to the silo and back. A run is
/// first written as a plain <c>INSERT ... SELECT</c>; only if the target already holds one of its keys (the insert fails
/// on the key) is it written again as <c>INSERT ... SELECT ... ON CONFLICT DO UPDATE</c>, in a new transaction. Into a
/// target without the run's keys (a first migration) the plain insert does the same for about a quarter less: an upsert
/// looks each key up before inserting and logs a confirmation per row (50k campaigns into an empty table, warm: 230 ms
/// against 300 ms). A run whose keys are mostly there already (the same export again) fails at its first rows, so the
/// attempt costs next to nothing; the most it costs is one run written twice, when its only key already present comes
/// last. Both leave out rows failing the loader's checks; when fewer rows were written than the run holds, a query names
/// the refused ones.
/// Parameters of the insert: <c>$1</c> job id, <c>$2</c>/<c>$3</c> the run's first and last seq, <c>$4</c> migrated_at;
/// of the refused query: <c>$1</c>/<c>$2</c> the seqs.
/// </summary>
internal static class StagedMerge
{
    /// <summary>
    /// Writes the run of <paramref name="batches"/> with <paramref name="insertSql"/> (the plain insert of the rows that pass
    /// the loader's checks), or with it and <paramref name="onConflict"/> (<c>ON CONFLICT (key) DO UPDATE SET ...</c>) when the
    /// target holds some of its keys; <paramref name="refusedSql"/> names the rows left out, if any were.
    /// </summary>
    public static async Task<StagedMergeResult> RunAsync(NpgsqlDataSource dataSource, EntityKind entity, string refusedSql, string insertSql,
        string onConflict, StagedBatches batches, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (lo, hi) = await StagingTables.SeqBoundsAsync(connection, batches.JobId, entity, batches.FirstBatch, batches.LastBatch, ct);
        int written;
        var upserted = false;
        try
        {
            written = await WriteAsync(connection, insertSql, batches, lo, hi, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The target holds some of these keys already (an earlier job's rows, or this run's own, written before a
            // restart): the failed insert is rolled back, and the upsert writes every row.
            upserted = true;
            written = await WriteAsync(connection, insertSql + "\n" + onConflict, batches, lo, hi, ct);
        }
        var refused = new List<(string, string)>();
        if (written < batches.ExpectedRows)
        {
            // Some staged rows failed the loader's checks (a defect upstream): name them.
            await using var command = new NpgsqlCommand(refusedSql, connection) { CommandTimeout = 0 };
            foreach (var arg in new object[] { lo, hi })
                command.Parameters.Add(new NpgsqlParameter { Value = arg });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) refused.Add((reader.GetString(0), reader.GetString(1)));
        }
        return new StagedMergeResult(written, refused, upserted);
    }

    private static async Task<int> WriteAsync(NpgsqlConnection connection, string sql, StagedBatches batches, long lo, long hi, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The commit does not wait for its WAL to reach disk: the job's checkpoint of this call, written to the same
        // server after the merge returns, does, and WAL is flushed in order, so the checkpoint is never durable
        // without the rows it records. (Were the job store a different server, a crash could lose an acknowledged
        // merge; validation would then find the rows missing.)
        await using (var asyncCommit = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, tx))
            await asyncCommit.ExecuteNonQueryAsync(ct);
        await using var write = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 0 };
        foreach (var arg in new object[] { batches.JobId, lo, hi, batches.MigratedAt.UtcDateTime })
            write.Parameters.Add(new NpgsqlParameter { Value = arg });
        var written = await write.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return written;
    }
}
