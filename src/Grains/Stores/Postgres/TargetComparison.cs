using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The result of reading a target back: <see cref="Expected"/> loaded records, <see cref="Found"/> of them
/// present with this job's id, <see cref="Matched"/> of those equal in every stored value.
/// </summary>
public sealed record TargetComparison(long Expected, long Found, long Matched, IReadOnlyList<string> DifferingKeys)
{
    public bool ContentMatches => Matched == Expected;

    /// <summary>Folds a query yielding (key, found, same) per staged record, set-based in PostgreSQL.</summary>
    internal static async Task<TargetComparison> RunAsync(NpgsqlDataSource dataSource, string perRecordSql, Guid jobId, int sampleSize, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH c AS ({perRecordSql})
            SELECT count(*), count(*) FILTER (WHERE found), count(*) FILTER (WHERE same),
                   ARRAY(SELECT key FROM c WHERE NOT same ORDER BY key LIMIT $2)
            FROM c
            """);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        command.Parameters.Add(new NpgsqlParameter { Value = sampleSize });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new TargetComparison(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetFieldValue<string[]>(3));
    }
}
