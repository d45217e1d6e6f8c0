using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Abstractions.Loading;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// What merging a run of staged batches into a PostgreSQL target did: rows upserted, and the keys the
/// loader's own checks refused (left out of the merge; a defect upstream if ever non-empty).
/// </summary>
public sealed record StagedMergeResult(int Written, IReadOnlyList<(string Key, string Problem)> Refused);

/// <summary>
/// Upserts staged rows straight into their target, set-based in PostgreSQL: no row travels to the silo and
/// back: one <c>INSERT ... SELECT ... ON CONFLICT</c> that leaves out rows failing the loader's checks, and only when it
/// wrote fewer rows than the run holds, a query naming the refused ones. Parameters of the merge: <c>$1</c> job id,
/// <c>$2</c>/<c>$3</c> the run's first and last seq, <c>$4</c> migrated_at; of the refused query: <c>$1</c>/<c>$2</c> the seqs.
/// </summary>
internal static class StagedMerge
{
    public static async Task<StagedMergeResult> RunAsync(NpgsqlDataSource dataSource, EntityKind entity, string refusedSql, string mergeSql,
        StagedBatches batches, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (lo, hi) = await StagingTables.SeqBoundsAsync(connection, batches.JobId, entity, batches.FirstBatch, batches.LastBatch, ct);
        int written;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            // The commit does not wait for its WAL to reach disk: the job's checkpoint of this call, written to the same
            // server after the merge returns, does, and WAL is flushed in order, so the checkpoint is never durable
            // without the rows it records. (Were the job store a different server, a crash could lose an acknowledged
            // merge; validation would then find the rows missing.)
            await using (var asyncCommit = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, tx))
                await asyncCommit.ExecuteNonQueryAsync(ct);
            await using var merge = new NpgsqlCommand(mergeSql, connection, tx) { CommandTimeout = 0 };
            foreach (var arg in new object[] { batches.JobId, lo, hi, batches.MigratedAt.UtcDateTime })
                merge.Parameters.Add(new NpgsqlParameter { Value = arg });
            written = await merge.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
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
        return new StagedMergeResult(written, refused);
    }
}
