using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// What merging a run of staged batches into a PostgreSQL target did: rows upserted, and the keys the
/// loader's own checks refused (left out of the merge; a defect upstream if ever non-empty).
/// </summary>
public sealed record StagedMergeResult(int Written, IReadOnlyList<(string Key, string Problem)> Refused);

/// <summary>
/// Upserts staged rows straight into their target, set-based in PostgreSQL: no row travels to the silo and
/// back. One round trip runs the checks' query and the <c>INSERT ... SELECT ... ON CONFLICT</c> in one
/// implicit transaction. Parameters: <c>$1</c> job id, <c>$2</c>/<c>$3</c> first and last batch, <c>$4</c> migrated_at.
/// </summary>
internal static class StagedMerge
{
    public static async Task<StagedMergeResult> RunAsync(NpgsqlDataSource dataSource, string refusedSql, string mergeSql,
        Guid jobId, int firstBatch, int lastBatch, DateTimeOffset migratedAt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(refusedSql, jobId, firstBatch, lastBatch));
        batch.BatchCommands.Add(Command(mergeSql, jobId, firstBatch, lastBatch, migratedAt.UtcDateTime));
        batch.Timeout = 0;
        var refused = new List<(string, string)>();
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) refused.Add((reader.GetString(0), reader.GetString(1)));
            await reader.NextResultAsync(ct);
        }
        return new StagedMergeResult(checked((int)batch.BatchCommands[1].RecordsAffected), refused);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return command;
    }
}
