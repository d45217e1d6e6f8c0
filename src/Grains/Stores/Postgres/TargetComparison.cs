using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The result of reading a target back: <see cref="Expected"/> loaded records, <see cref="Found"/> of them
/// present with this job's id, <see cref="Matched"/> of those equal in every stored value.
/// <see cref="SettledByChecksum"/> says the two sides' checksums agreed, so no record-by-record pass was needed.
/// </summary>
public sealed record TargetComparison(long Expected, long Found, long Matched, IReadOnlyList<string> DifferingKeys, bool SettledByChecksum = false)
{
    public bool ContentMatches => Matched == Expected;

    /// <summary>
    /// What one side of a comparison is: the table (aliased) and its filter, and the compared columns as an
    /// expression list over that alias, key first, in the same order and of the same types on both sides;
    /// <paramref name="TakesJobId"/> when <paramref name="From"/> refers to the job id as <c>$1</c>.
    /// </summary>
    internal sealed record Side(string From, string Columns, bool TakesJobId);

    /// <summary>
    /// The comparison of a job's staged records (<c>s</c>, loaded ones) with a PostgreSQL target table (<c>t</c>) keyed by
    /// <paramref name="key"/>, over the stored <paramref name="values"/> (same names and types in both tables).
    /// </summary>
    internal static Task<TargetComparison> RunAsync(NpgsqlDataSource dataSource, string stagingTable, string targetTable,
        string key, string[] values, Guid jobId, int sampleSize, CancellationToken ct)
    {
        string Over(string alias) => string.Join(", ", values.Select(v => $"{alias}.{v}"));
        var perRecord = $"""
            SELECT s.{key} AS key,
                   t.{key} IS NOT NULL AND t.migration_job_id = $1 AS found,
                   t.{key} IS NOT NULL AND t.migration_job_id = $1 AND ({Over("s")}) IS NOT DISTINCT FROM ({Over("t")}) AS same
            FROM {stagingTable} s LEFT JOIN {targetTable} t ON t.{key} = s.{key}
            WHERE s.outcome = 0
            """;
        return RunAsync(dataSource,
            new Side($"{stagingTable} s WHERE s.outcome = 0", $"s.{key}, {Over("s")}", TakesJobId: false),
            new Side($"{targetTable} t WHERE t.migration_job_id = $1", $"t.{key}, {Over("t")}", TakesJobId: true),
            perRecord, jobId, sampleSize, ct);
    }

    /// <summary>
    /// Compares a job's staged records with its target, set-based in PostgreSQL. First both sides are summed, each in
    /// one scan of its own (concurrently): the count, and the XOR of a 64-bit hash of every record's key and values
    /// (<c>hash_record_extended</c>). The target side reads only the rows carrying this job's id (its index when the
    /// target is large), so the cost follows the job, not the table. Equal counts and sums settle it: every staged
    /// record is in the target with this job's id and the same values (a difference goes unseen only when two 64-bit
    /// sums collide). Otherwise a record-by-record join (<paramref name="perRecordSql"/>: key, found, same per staged
    /// record) gives the exact found and matched counts, and a second pass the first <paramref name="sampleSize"/>
    /// differing keys.
    /// </summary>
    internal static async Task<TargetComparison> RunAsync(NpgsqlDataSource dataSource, Side staged, Side target,
        string perRecordSql, Guid jobId, int sampleSize, CancellationToken ct)
    {
        var stagedSum = SumAsync(dataSource, staged, jobId, ct);
        var targetSum = SumAsync(dataSource, target, jobId, ct);
        var (expected, stagedHash) = await stagedSum;
        var (present, targetHash) = await targetSum;
        if (expected == present && stagedHash == targetHash)
        {
            return new TargetComparison(expected, expected, expected, [], SettledByChecksum: true);
        }
        return await RecordByRecordAsync(dataSource, perRecordSql, jobId, sampleSize, ct);
    }

    private static async Task<(long Count, long Hash)> SumAsync(NpgsqlDataSource dataSource, Side side, Guid jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await BeginJobScanAsync(connection, ct);
        await using var command = new NpgsqlCommand($"""
            SELECT count(*), coalesce(bit_xor(hash_record_extended(ROW({side.Columns}), 0)), 0) FROM {side.From}
            """, connection, tx) { CommandTimeout = 0 };
        if (side.TakesJobId) command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        (long, long) sum;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            sum = (reader.GetInt64(0), reader.GetInt64(1));
        }
        await tx.CommitAsync(ct);
        return sum;
    }

    private static async Task<TargetComparison> RecordByRecordAsync(NpgsqlDataSource dataSource, string perRecordSql, Guid jobId, int sampleSize, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await BeginJobScanAsync(connection, ct);
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

    /// <summary>A transaction for statements that scan a whole job's rows, with the job-scan work_mem.</summary>
    private static async Task<NpgsqlTransaction> BeginJobScanAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await using var setting = new NpgsqlCommand(StagingTables.SetJobWorkMem, connection, tx);
            await setting.ExecuteNonQueryAsync(ct);
            return tx;
        }
        catch
        {
            await tx.DisposeAsync();
            throw;
        }
    }
}
