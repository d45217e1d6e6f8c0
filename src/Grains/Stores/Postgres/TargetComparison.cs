using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The result of reading a target back: <see cref="Expected"/> loaded records, <see cref="Found"/> of them
/// present with this job's id, <see cref="Matched"/> of those equal in every stored value.
/// </summary>
public sealed record TargetComparison(long Expected, long Found, long Matched, IReadOnlyList<string> DifferingKeys)
{
    public bool ContentMatches => Matched == Expected;

    /// <summary>
    /// Folds a query yielding (key, found, same) per staged record, set-based in PostgreSQL: one pass counts, and only
    /// when some record differs does a second pass collect the first <paramref name="sampleSize"/> differing keys.
    /// </summary>
    internal static async Task<TargetComparison> RunAsync(NpgsqlDataSource dataSource, string perRecordSql, Guid jobId, int sampleSize, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var setting = new NpgsqlCommand(StagingTables.SetJobWorkMem, connection, tx))
        {
            await setting.ExecuteNonQueryAsync(ct);
        }
        long expected, found, matched;
        await using (var counts = new NpgsqlCommand($"""
            SELECT count(*), count(*) FILTER (WHERE found), count(*) FILTER (WHERE same) FROM ({perRecordSql}) c
            """, connection, tx) { CommandTimeout = 0 })
        {
            counts.Parameters.Add(new NpgsqlParameter { Value = jobId });
            await using var reader = await counts.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (expected, found, matched) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        string[] differing = [];
        if (matched < expected && sampleSize > 0)
        {
            await using var sample = new NpgsqlCommand($"""
                SELECT key FROM ({perRecordSql}) c WHERE NOT same ORDER BY key LIMIT $2
                """, connection, tx) { CommandTimeout = 0 };
            sample.Parameters.Add(new NpgsqlParameter { Value = jobId });
            sample.Parameters.Add(new NpgsqlParameter { Value = sampleSize });
            await using var reader = await sample.ExecuteReaderAsync(ct);
            var keys = new List<string>();
            while (await reader.ReadAsync(ct)) keys.Add(reader.GetString(0));
            differing = [.. keys];
        }
        await tx.CommitAsync(ct);
        return new TargetComparison(expected, found, matched, differing);
    }
}
