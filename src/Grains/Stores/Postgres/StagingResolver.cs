using AdManager.Grains.Pipeline.Schema;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The cross-record rules of the legacy-export spec, set-based over a job's staging rows:
/// references (rule 4, checked against parents that end as loaded), superseding duplicates (rule 5),
/// the product currency default and <c>product_count</c>, then the batches (<c>stage_batches</c>, in seq order).
/// It runs in one transaction and every statement is idempotent, so a job that died half-way through, or
/// right after committing, resolves again from the top. Statements touch only the rows they change: a
/// staging row is written once by COPY and, unless superseded, rejected, given its catalog's currency or its
/// product count, never rewritten.
/// </summary>
public sealed class StagingResolver(NpgsqlDataSource dataSource)
{
    private const short Superseded = 1;
    private const short RejectedByReference = 2;

    /// <summary>The stage_batches entity of the row that marks a committed resolution.</summary>
    private const short ResolvedMarker = -1;

    /// <summary>Deletes whatever an interrupted extraction left for an entity, so it can be read again.</summary>
    public async Task ResetEntityAsync(Guid jobId, EntityKind entity, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command(StagingTables.Drop(entity, jobId)));
        batch.BatchCommands.Add(Command("DELETE FROM migration_rejections WHERE job_id = $1 AND entity = $2", jobId, (short)entity));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Resolves the job's entities in parent-before-child order and numbers the batches. <paramref name="staged"/> names
    /// them, each with the rows extraction staged (null: counted here); an entity's parent or children (the entities of its
    /// data type) are resolved with it, and the entities of other data types not at all, their tables never created.
    /// Returns, per entity, the superseded and loaded counts and the number of batches: the staged count less the rows the
    /// statements excluded, which they return, so no statement scans staging to count or number.
    /// For campaigns it also returns validation's staged-side sum (<see cref="StagedDigest"/>): their compared values are
    /// never rewritten here, so a second connection sums every staged row while these statements run (on the core they
    /// leave idle), and the rows they exclude, whose hashes they return with their seqs, are XORed out of it.
    /// </summary>
    public async Task<IReadOnlyDictionary<EntityKind, ResolvedEntity>> ResolveAsync(Guid jobId, int batchSize,
        IReadOnlyDictionary<EntityKind, long?> staged, CancellationToken ct)
    {
        var dataTypes = staged.Keys.Select(kind => EntitySchema.For(kind).DataType).ToHashSet(StringComparer.Ordinal);
        var entities = EntitySchema.All.Where(e => dataTypes.Contains(e.DataType)).Select(e => e.Kind).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);

        // An entity the job did not extract (no file of it) gets an empty table, and a staging from an earlier version its
        // new columns, so that every statement below finds its tables.
        await ExecAsync(connection, string.Join("; ", entities.Select(e => StagingTables.CreateIfMissing(e, jobId))), ct);
        var campaignHash = TargetComparison.RowHash("s", CampaignMetadataStore.Key, CampaignMetadataStore.ComparedValues);
        // Every staged campaign, summed as validation sums a side, in one process: the statements it runs beside keep the
        // other core busy. A scan of every row whatever the statistics, so it starts before them (50,000 campaigns:
        // Transforming about 25 ms shorter, the ANALYZE's time).
        var campaignsSum = entities.Contains(EntityKind.Campaigns)
            ? TargetComparison.SumAsync(dataSource, new TargetComparison.Side($"{StagingTables.Name(EntityKind.Campaigns, jobId)} s", "true",
                campaignHash, TakesJobId: false, Parallel: false), jobId, ct)
            : null;
        try
        {
            // The job's staging tables were just filled by COPY and have no statistics: planned blind, these joins of a
            // job's rows with its own can become nested loops, quadratic (minutes for 10,000 records), and the loaders'
            // range reads full scans. Row counts and rough distributions of the columns the plans look at are all they
            // need: a 3,000-row sample of those columns gives them at a fraction of a full ANALYZE.
            await ExecAsync(connection, $"""
                SET default_statistics_target = 10;
                ANALYZE {string.Join(", ", entities.Select(e => $"{StagingTables.Name(e, jobId)} ({StagingTables.StatisticsColumns(e)})"))};
                RESET default_statistics_target
                """, ct);
            return await ResolveAsync(connection, jobId, entities, batchSize, staged, campaignHash, campaignsSum, ct);
        }
        catch when (campaignsSum is not null)
        {
            // Not left running behind a failed resolution, nor its failure unobserved.
            await Task.WhenAny(campaignsSum);
            _ = campaignsSum.Exception;
            throw;
        }
    }

    private async Task<IReadOnlyDictionary<EntityKind, ResolvedEntity>> ResolveAsync(NpgsqlConnection connection, Guid jobId,
        IReadOnlyList<EntityKind> entities, int batchSize, IReadOnlyDictionary<EntityKind, long?> stagedCounts, string campaignHash,
        Task<StagedDigest>? campaignsSum, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);

        // A committed resolution leaves a marker in stage_batches; only then are there outcomes, reference
        // rejections and product counts to clear (an interrupted one rolled back). A first resolution
        // skips the scans, and no statement below rewrites a row it does not change.
        await using (var start = new NpgsqlBatch(connection))
        {
            start.BatchCommands.Add(Command(StagingTables.SetJobWorkMem));
            start.BatchCommands.Add(Command("DELETE FROM stage_batches WHERE job_id = $1", jobId));
            await start.ExecuteNonQueryAsync(ct);
            if (start.BatchCommands[1].RecordsAffected > 0)
            {
                await using var clear = new NpgsqlBatch(connection);
                clear.BatchCommands.Add(Command("DELETE FROM migration_rejections WHERE job_id = $1 AND phase = 1", jobId));
                foreach (var entity in entities)
                {
                    clear.BatchCommands.Add(Command($"UPDATE {StagingTables.Name(entity, jobId)} SET outcome = 0 WHERE outcome <> 0"));
                }
                if (entities.Contains(EntityKind.Catalogs))
                {
                    clear.BatchCommands.Add(Command($"UPDATE {StagingTables.Name(EntityKind.Catalogs, jobId)} SET product_count = 0 WHERE product_count <> 0"));
                }
                await clear.ExecuteNonQueryAsync(ct);
            }
        }

        // The seqs each entity's statements took out of loading (superseded or rejected), and how many were superseded.
        var excluded = entities.ToDictionary(e => e, _ => new List<long>());
        var superseded = entities.ToDictionary(e => e, _ => 0L);
        long excludedCampaignsHash = 0;
        async Task Supersede(EntityKind entity, string key, string order, string rowHash = "0")
        {
            var rows = await SupersedeAsync(connection, StagingTables.Name(entity, jobId), key, order, rowHash, ct);
            superseded[entity] = rows.Count;
            foreach (var (seq, hash) in rows)
            {
                excluded[entity].Add(seq);
                if (entity == EntityKind.Campaigns) excludedCampaignsHash ^= hash;
            }
        }
        async Task RejectChildren(EntityKind child, string keyExpression, EntityKind parent, string parentKey) =>
            excluded[child].AddRange(await RejectChildrenAsync(connection, jobId, child, StagingTables.Name(child, jobId), keyExpression,
                StagingTables.Name(parent, jobId), parentKey, ct));

        // Rule 5: the later last_modified wins (ticks, then the fraction digits beyond them; no digits sorts lowest), then the later line.
        const string ByLastModified = "source_modified_ticks DESC, source_modified_beyond DESC NULLS LAST, line DESC";
        if (entities.Contains(EntityKind.Campaigns))
        {
            await Supersede(EntityKind.Campaigns, "campaign_id", ByLastModified, campaignHash);
            await RejectChildren(EntityKind.CampaignPerformance, "record_key", EntityKind.Campaigns, "campaign_id");
            await Supersede(EntityKind.CampaignPerformance, "campaign_id, date", "line DESC");
        }
        if (entities.Contains(EntityKind.Catalogs))
        {
            await Supersede(EntityKind.Catalogs, "catalog_id", ByLastModified);
            await RejectChildren(EntityKind.Products, "product_id", EntityKind.Catalogs, "catalog_id");
            await Supersede(EntityKind.Products, "catalog_id, product_id", ByLastModified);
            await DefaultCurrencyAndCountProductsAsync(connection, jobId, ct);
        }

        // Batch n: the (n+1)-th run of batchSize loaded rows in seq order, kept as its seq range. The ranges, the summaries of
        // the pages rows moved to (see SummarizeMovedRows) and the marker go in one round trip.
        var resolved = new Dictionary<EntityKind, ResolvedEntity>();
        await using var finish = new NpgsqlBatch(connection);
        foreach (var entity in entities)
        {
            var staged = stagedCounts.GetValueOrDefault(entity)
                ?? await ScalarAsync(connection, $"SELECT count(*) FROM {StagingTables.Name(entity, jobId)}", ct);
            var ranges = StagedBatchRanges.Compute(staged, excluded[entity], batchSize);
            finish.BatchCommands.Add(SummarizeMovedRows(entity, jobId));
            finish.BatchCommands.Add(Command("""
                INSERT INTO stage_batches (job_id, entity, batch_no, first_seq, last_seq)
                SELECT $1, $2, (n - 1)::int, f, l FROM unnest($3::bigint[], $4::bigint[]) WITH ORDINALITY AS b(f, l, n)
                """, jobId, (short)entity, ranges.Select(r => r.First).ToArray(), ranges.Select(r => r.Last).ToArray()));
            resolved[entity] = new ResolvedEntity(superseded[entity], staged - excluded[entity].Count, ranges.Count);
        }
        finish.BatchCommands.Add(Command($"INSERT INTO stage_batches VALUES ($1, {ResolvedMarker}, 0, 0, 0)", jobId));
        await finish.ExecuteNonQueryAsync(ct);

        if (campaignsSum is not null)
        {
            var allCampaigns = await campaignsSum;
            var campaignsResolved = resolved[EntityKind.Campaigns];
            if (allCampaigns.Count != campaignsResolved.Loaded + excluded[EntityKind.Campaigns].Count)
            {
                throw new StagingLostException($"campaigns staging holds {allCampaigns.Count} rows, not the {campaignsResolved.Loaded + excluded[EntityKind.Campaigns].Count} staged");
            }
            resolved[EntityKind.Campaigns] = campaignsResolved with
            {
                Digest = new StagedDigest(campaignsResolved.Loaded, allCampaigns.Hash ^ excludedCampaignsHash),
            };
        }

        await tx.CommitAsync(ct);
        return resolved;
    }

    /// <summary>
    /// Products without a currency take their catalog's default; each loaded catalog gets the count of its loaded products.
    /// Rows rewritten here move to the end of their staging (COPY left no room on their pages); each statement takes them
    /// in seq order (see <see cref="SummarizeMovedRows"/>) so the summaries of those pages stay narrow.
    /// </summary>
    private static async Task DefaultCurrencyAndCountProductsAsync(NpgsqlConnection connection, Guid jobId, CancellationToken ct)
    {
        var catalogs = StagingTables.Name(EntityKind.Catalogs, jobId);
        var products = StagingTables.Name(EntityKind.Products, jobId);
        await ExecAsync(connection, $"""
            UPDATE {products} p SET currency = d.currency
            FROM (SELECT p2.ctid AS tid, c.default_currency AS currency
                  FROM {products} p2 JOIN {catalogs} c ON c.catalog_id = p2.catalog_id
                  WHERE p2.outcome = 0 AND p2.currency IS NULL AND c.outcome = 0
                  ORDER BY p2.seq) d
            WHERE p.ctid = d.tid
            """, ct);
        await ExecAsync(connection, $"""
            UPDATE {catalogs} c SET product_count = n.count
            FROM (SELECT c2.ctid AS tid, n.count
                  FROM {catalogs} c2 JOIN (SELECT catalog_id, count(*) AS count FROM {products} WHERE outcome = 0 GROUP BY catalog_id) n
                       ON n.catalog_id = c2.catalog_id
                  WHERE c2.outcome = 0 AND c2.product_count <> n.count
                  ORDER BY c2.seq) n
            WHERE c.ctid = n.tid
            """, ct);
    }

    /// <summary>
    /// Rule 5 over the rows whose key extraction flagged as possibly seen before (<c>maybe_duplicate</c>): every key with
    /// two candidate rows has a flagged one, so ranking only the rows of flagged keys gives the same outcome as ranking
    /// them all, without sorting every row of the job. The ranked rows are found again by their physical address (ctid,
    /// within the one statement), not through an index. Returns the seqs it superseded, each with <paramref name="rowHash"/>
    /// of its row (SQL over <c>s</c>).
    /// </summary>
    private static async Task<List<(long Seq, long Hash)>> SupersedeAsync(NpgsqlConnection connection, string table, string key, string order,
        string rowHash, CancellationToken ct)
    {
        await using var command = Statement(connection, $"""
            UPDATE {table} s SET outcome = {Superseded}
            FROM (SELECT tid
                  FROM (SELECT ctid AS tid, seq, row_number() OVER (PARTITION BY {key} ORDER BY {order}) AS rn
                        FROM {table}
                        WHERE outcome = 0 AND ({key}) IN (SELECT {key} FROM {table} WHERE maybe_duplicate AND outcome = 0)) ranked
                  WHERE rn > 1
                  ORDER BY seq) r
            WHERE s.ctid = r.tid
            RETURNING s.seq, {rowHash}
            """);
        var rows = new List<(long, long)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
        return rows;
    }

    /// <summary>
    /// A row rewritten by resolving (superseded, rejected, given its catalog's currency or its product count) cannot stay
    /// on its page, which COPY filled, and moves to a page at the end of the staging, outside every range the seq index
    /// summarized when extraction built it. An unsummarized range matches every range read, so each batch read and
    /// merge would read all moved rows again: at 1,000,000 products, half of them without a currency, one 1000-row batch
    /// read took 235 ms instead of 4 ms. Summarizing the new ranges (a pass over the moved rows only) fixes that,
    /// provided the rows moved in seq order, which each statement here makes sure of (<c>ORDER BY seq</c> over the
    /// rows it rewrites, joined back by ctid: whichever side the join reads first, the writes come in seq order).
    /// </summary>
    private static NpgsqlBatchCommand SummarizeMovedRows(EntityKind entity, Guid jobId) =>
        Command($"SELECT brin_summarize_new_values('{StagingTables.SeqIndexName(entity, jobId)}'::regclass)");

    /// <summary>
    /// Children whose parent did not end as loaded are <c>orphan:</c>; children whose loaded parent
    /// belongs to another merchant are <c>invalid_value:merchant_id</c>. Both become rejections. Returns their seqs.
    /// </summary>
    private static async Task<List<long>> RejectChildrenAsync(NpgsqlConnection connection, Guid jobId, EntityKind child, string childTable,
        string keyExpression, string parentTable, string parentKey, CancellationToken ct)
    {
        var parentName = parentKey == "campaign_id" ? "campaign" : "catalog";
        var orphans = await SeqsAsync(connection, $"""
            WITH bad AS (
                UPDATE {childTable} s SET outcome = {RejectedByReference}
                WHERE s.outcome = 0
                  AND NOT EXISTS (SELECT 1 FROM {parentTable} p WHERE p.outcome = 0 AND p.{parentKey} = s.{parentKey})
                RETURNING s.seq, s.line, s.{keyExpression} AS record_key, s.{parentKey} AS parent),
            logged AS (
                INSERT INTO migration_rejections (job_id, entity, line, record_key, reason, detail, phase)
                SELECT $1, $2, line, record_key, 'orphan:{parentKey}', 'no loaded ' || $3 || ' ''' || left(parent, 64) || ''' in this job', 1 FROM bad)
            SELECT seq FROM bad
            """, ct, jobId, (short)child, parentName);
        var foreign = await SeqsAsync(connection, $"""
            WITH bad AS (
                UPDATE {childTable} s SET outcome = {RejectedByReference}
                FROM {parentTable} p
                WHERE s.outcome = 0 AND p.outcome = 0
                  AND p.{parentKey} = s.{parentKey} AND p.merchant_id <> s.merchant_id
                RETURNING s.seq, s.line, s.{keyExpression} AS record_key, s.merchant_id AS own, p.merchant_id AS parent_merchant),
            logged AS (
                INSERT INTO migration_rejections (job_id, entity, line, record_key, reason, detail, phase)
                SELECT $1, $2, line, record_key, 'invalid_value:merchant_id',
                       'belongs to merchant ''' || left(own, 64) || ''' but its ' || $3 || ' to ''' || left(parent_merchant, 64) || '''', 1
                FROM bad)
            SELECT seq FROM bad
            """, ct, jobId, (short)child, parentName);
        orphans.AddRange(foreign);
        return orphans;
    }

    private static async Task<List<long>> SeqsAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var command = Statement(connection, sql, args);
        var seqs = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) seqs.Add(reader.GetInt64(0));
        return seqs;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = Statement(connection, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return command;
    }

    private static async Task<int> ExecAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var command = Statement(connection, sql, args);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A statement over a whole job's staging (no timeout) with positional parameters <c>$1..</c>.</summary>
    private static NpgsqlCommand Statement(NpgsqlConnection connection, string sql, params object[] args)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return command;
    }
}

/// <summary>
/// What resolving left of an entity: rows superseded, rows to load, and the batches they make; for campaigns, the rows to
/// load summed for validation.
/// </summary>
public sealed record ResolvedEntity(long Superseded, long Loaded, int Batches, StagedDigest? Digest = null);
