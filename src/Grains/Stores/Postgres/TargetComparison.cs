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
    /// What one side of a comparison is: the table (aliased), the filter that picks the job's rows, and the 64-bit hash of
    /// a row (see <see cref="RowHash"/>); <paramref name="TakesJobId"/> when the filter refers to the job id as <c>$1</c>.
    /// <paramref name="WholeTableWhen"/>, when given, is a condition under which the side sums the whole table with the
    /// filter inside the aggregates instead of in a WHERE: when the job's rows are most of the table. A planner whose
    /// statistics predate the job's load expects almost none of its rows and would read them through the index, then
    /// hash them all in one process; over the whole table it scans in parallel and each worker hashes its share.
    /// <paramref name="Parallel"/> false keeps the scan to one process (when it runs beside other work that needs the other core).
    /// </summary>
    internal sealed record Side(string Table, string Filter, string Hash, bool TakesJobId, string? WholeTableWhen = null, bool Parallel = true);

    /// <summary>
    /// The hash both sides sum, as SQL over a row aliased <paramref name="alias"/>: <c>hash_record_extended</c> of the
    /// key and the stored values, in that order (same names and types in staging and target).
    /// </summary>
    internal static string RowHash(string alias, string key, IEnumerable<string> values) =>
        $"hash_record_extended(ROW({alias}.{key}, {string.Join(", ", values.Select(v => $"{alias}.{v}"))}), 0)";

    /// <summary>
    /// The comparison of a job's staged records (<c>s</c>, loaded ones) with a PostgreSQL target table (<c>t</c>) keyed by
    /// <paramref name="key"/>, over the stored <paramref name="values"/> (same names and types in both tables).
    /// <paramref name="staged"/>, when given, is the staged side's sum as resolving took it (see
    /// <see cref="StagingResolver"/>), so only the target is read.
    /// </summary>
    internal static Task<TargetComparison> RunAsync(NpgsqlDataSource dataSource, string stagingTable, string targetTable,
        string key, string[] values, Guid jobId, int sampleSize, StagedDigest? staged, CancellationToken ct)
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
            staged,
            new Side($"{stagingTable} s", "s.outcome = 0", RowHash("s", key, values), TakesJobId: false),
            new Side($"{targetTable} t", "t.migration_job_id = $1", RowHash("t", key, values), TakesJobId: true,
                WholeTableWhen: $"pg_relation_size('{stagingTable}') >= pg_relation_size('{targetTable}') / 2"),
            perRecord, jobId, sampleSize, ct);
    }

    /// <summary>
    /// Compares a job's staged records with its target, set-based in PostgreSQL. First both sides are summed, each in
    /// one scan of its own (concurrently): the count, and the XOR of a 64-bit hash of every record's key and values
    /// (<c>hash_record_extended</c>). The target side reads only the rows carrying this job's id (its index when the
    /// job's rows are a small part of the target, a full scan when they are most of it), so the cost follows the job,
    /// not the table. Equal counts and sums settle it: every staged record is in the target with this job's id and the
    /// same values (a difference goes unseen only when two 64-bit sums collide). Otherwise a record-by-record join
    /// (<paramref name="perRecordSql"/>: key, found, same per staged record) gives the exact found and matched counts,
    /// and a second pass the first <paramref name="sampleSize"/> differing keys.
    /// </summary>
    private static async Task<TargetComparison> RunAsync(NpgsqlDataSource dataSource, StagedDigest? stagedDigest, Side staged,
        Side target, string perRecordSql, Guid jobId, int sampleSize, CancellationToken ct)
    {
        var stagedSum = stagedDigest is { } known ? Task.FromResult(known) : SumAsync(dataSource, staged, jobId, ct);
        var targetSum = SumAsync(dataSource, target, jobId, ct);
        var expected = await stagedSum;
        var present = await targetSum;
        if (expected == present)
        {
            return new TargetComparison(expected.Count, expected.Count, expected.Count, [], SettledByChecksum: true);
        }
        return await RecordByRecordAsync(dataSource, perRecordSql, jobId, sampleSize, ct);
    }

    /// <summary>One side summed: its rows' count and the XOR of their hashes.</summary>
    internal static async Task<StagedDigest> SumAsync(NpgsqlDataSource dataSource, Side side, Guid jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await BeginJobScanAsync(connection, ct);
        if (!side.Parallel)
        {
            await using var serial = new NpgsqlCommand("SET LOCAL max_parallel_workers_per_gather = 0", connection, tx);
            await serial.ExecuteNonQueryAsync(ct);
        }
        var whole = false;
        if (side.WholeTableWhen is { } condition)
        {
            await using var plan = new NpgsqlCommand($"SELECT {condition}", connection, tx);
            whole = (bool)(await plan.ExecuteScalarAsync(ct))!;
        }
        var sql = whole
            ? $"SELECT count(*) FILTER (WHERE {side.Filter}), coalesce(bit_xor({side.Hash}) FILTER (WHERE {side.Filter}), 0) FROM {side.Table}"
            : $"SELECT count(*), coalesce(bit_xor({side.Hash}), 0) FROM {side.Table} WHERE {side.Filter}";
        await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 0 };
        if (side.TakesJobId) command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        StagedDigest sum;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            sum = new StagedDigest(reader.GetInt64(0), reader.GetInt64(1));
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
