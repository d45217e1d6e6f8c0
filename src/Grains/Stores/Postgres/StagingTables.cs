using Npgsql;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// A job's staging: one table per entity and job (<c>stage_campaigns_&lt;job id&gt;</c>), holding the job's valid records
/// typed like their targets, numbered by <c>seq</c> (the staged row's number, dense from 0 in line order, so counts and batch
/// ranges follow from arithmetic instead of scans), with <c>line</c>, <c>maybe_duplicate</c> (a <see cref="Pipeline.Transform.DuplicateKeyFilter"/> saw the key
/// before) and <c>outcome</c> 0 candidate (loaded once resolved), 1 superseded, 2 rejected by a
/// reference check. Per-job tables keep every statement's cost proportional to the job: statistics, scans and joins see
/// only its rows, no other job's rows or dead rows; clean-up is a <c>DROP</c>, with no rows to delete and vacuum.
/// The tables are UNLOGGED: staging writes no WAL (in production, where WAL is kept for replicas, that is most of what a
/// job would otherwise log twice) and no commit waits for a sync of them. What that gives up: a PostgreSQL crash (not a
/// clean restart) leaves them empty, which the job notices (<see cref="StagingReader.LostAsync"/> and the row-count
/// guards of loading and validation) and answers by reading its source again.
/// Extraction creates an entity's table in the transaction of its COPY and indexes seq once the rows are in. COPY appends rows in seq order, so the table's
/// pages are in seq order too and a BRIN index (a min and max per few pages, built in one pass over the table) finds a
/// batch range's pages as well as a B-tree would, at a fraction of its build: rows rewritten later (superseded, rejected,
/// defaulted) move to the end, whose pages no summary covers and every range read looks at, a few pages per job.
/// </summary>
internal static class StagingTables
{
    /// <summary>
    /// Memory per sort or hash for the statements that scan a whole job's staging (resolving, validating), so a large
    /// job's sorts and hashes stay off disk; for the enclosing transaction only.
    /// </summary>
    public const string SetJobWorkMem = "SET LOCAL work_mem = '128MB'";

    public static string Name(EntityKind entity, Guid jobId) => Prefix(entity) + jobId.ToString("N");

    /// <summary>The start of the entity's staging table names; the job id (32 hex digits) follows.</summary>
    public static string Prefix(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "stage_campaigns_",
        EntityKind.CampaignPerformance => "stage_performance_",
        EntityKind.Catalogs => "stage_catalogs_",
        EntityKind.Products => "stage_products_",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary>The columns COPY fills, in order (outcome and product_count keep their defaults).</summary>
    public static string CopyColumns(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "seq, line, maybe_duplicate, campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date, targeting, source_modified_at, source_modified_ticks, source_modified_beyond",
        EntityKind.CampaignPerformance => "seq, line, maybe_duplicate, record_key, campaign_id, merchant_id, date, impressions, clicks, cost_micros, conversions",
        EntityKind.Catalogs => "seq, line, maybe_duplicate, catalog_id, merchant_id, name, country, default_currency, source_modified_at, source_modified_ticks, source_modified_beyond",
        EntityKind.Products => "seq, line, maybe_duplicate, product_id, catalog_id, merchant_id, title, description, price_micros, sale_price_micros, currency, availability, gtin, link, image_link, source_modified_at, source_modified_ticks, source_modified_beyond",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary><c>CREATE TABLE</c> of the entity's staging for a job, without its index (see <see cref="AddSeqIndex"/>).</summary>
    public static string Create(EntityKind entity, Guid jobId) => $"CREATE UNLOGGED TABLE {Name(entity, jobId)} ({Columns(entity)}) {NoAutovacuum}";

    /// <summary>The index on seq, added after the COPY (BRIN: see the class summary).</summary>
    public static string AddSeqIndex(EntityKind entity, Guid jobId) => SeqIndex(entity, jobId, ifNotExists: false);

    /// <summary>
    /// An empty, indexed staging table for an entity of the job's data types that it did not extract (no file of it), so
    /// every statement finds its tables. Also brings a staging created by an earlier version (a job resumed across a
    /// deploy) to this one's columns.
    /// </summary>
    public static string CreateIfMissing(EntityKind entity, Guid jobId) =>
        $"CREATE UNLOGGED TABLE IF NOT EXISTS {Name(entity, jobId)} ({Columns(entity)}) {NoAutovacuum}; {SeqIndex(entity, jobId, ifNotExists: true)}"
        + (entity == EntityKind.CampaignPerformance ? "" : $"; ALTER TABLE {Name(entity, jobId)} ADD COLUMN IF NOT EXISTS {BeyondColumn}");

    /// <summary>
    /// Staging lives for one job, which analyzes it itself when it needs statistics and drops it at the end; an autovacuum
    /// worker drawn by its hundreds of thousands of new rows would only take a core from the job (and be cancelled by the
    /// DROP).
    /// </summary>
    private const string NoAutovacuum = "WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)";

    private static string SeqIndex(EntityKind entity, Guid jobId, bool ifNotExists) =>
        $"CREATE INDEX {(ifNotExists ? "IF NOT EXISTS " : "")}{SeqIndexName(entity, jobId)} ON {Name(entity, jobId)} USING brin (seq) WITH (pages_per_range = 8)";

    public static string SeqIndexName(EntityKind entity, Guid jobId) => Name(entity, jobId) + "_seq";

    public static string Drop(EntityKind entity, Guid jobId) => $"DROP TABLE IF EXISTS {Name(entity, jobId)}";

    /// <summary>The fraction digits of last_modified beyond its 100 ns ticks (<see cref="Pipeline.Transform.Formats.FractionBeyondTicks"/>), ordered as digits.</summary>
    private const string BeyondColumn = "source_modified_beyond text COLLATE \"C\"";

    private static string Columns(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => $"""
            seq bigint NOT NULL, line bigint NOT NULL, maybe_duplicate boolean NOT NULL, campaign_id text NOT NULL, merchant_id text NOT NULL, name text NOT NULL, status text NOT NULL,
            daily_budget_micros bigint NOT NULL, currency char(3) NOT NULL, start_date date NOT NULL, end_date date,
            targeting jsonb NOT NULL, source_modified_at timestamptz NOT NULL, source_modified_ticks bigint NOT NULL, {BeyondColumn},
            outcome smallint NOT NULL DEFAULT 0
            """,
        EntityKind.CampaignPerformance => """
            seq bigint NOT NULL, line bigint NOT NULL, maybe_duplicate boolean NOT NULL, record_key text NOT NULL, campaign_id text NOT NULL, merchant_id text NOT NULL, date date NOT NULL,
            impressions bigint NOT NULL, clicks bigint NOT NULL, cost_micros bigint NOT NULL, conversions bigint NOT NULL,
            outcome smallint NOT NULL DEFAULT 0
            """,
        EntityKind.Catalogs => $"""
            seq bigint NOT NULL, line bigint NOT NULL, maybe_duplicate boolean NOT NULL, catalog_id text NOT NULL, merchant_id text NOT NULL, name text NOT NULL, country char(2) NOT NULL,
            default_currency char(3) NOT NULL, source_modified_at timestamptz NOT NULL, source_modified_ticks bigint NOT NULL, {BeyondColumn},
            product_count bigint NOT NULL DEFAULT 0, outcome smallint NOT NULL DEFAULT 0
            """,
        EntityKind.Products => $"""
            seq bigint NOT NULL, line bigint NOT NULL, maybe_duplicate boolean NOT NULL, product_id text NOT NULL, catalog_id text NOT NULL, merchant_id text NOT NULL, title text NOT NULL,
            description text, price_micros bigint NOT NULL, sale_price_micros bigint, currency char(3), availability text NOT NULL,
            gtin text, link text NOT NULL, image_link text, source_modified_at timestamptz NOT NULL, source_modified_ticks bigint NOT NULL, {BeyondColumn},
            outcome smallint NOT NULL DEFAULT 0
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary>
    /// The columns whose statistics the job's statements are planned with: seq (the loaders' range reads), outcome and
    /// maybe_duplicate (every filter), the keys the rules join on and group by, merchant_id (the merchant check) and, for
    /// products, currency (the currency default). The wide columns (names, texts, targeting) are in no condition that a
    /// plan depends on, and gathering theirs was half an ANALYZE's time (50,000 campaigns: 24-29 ms against 12-13 ms).
    /// </summary>
    public static string StatisticsColumns(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "seq, outcome, maybe_duplicate, campaign_id, merchant_id",
        EntityKind.CampaignPerformance => "seq, outcome, maybe_duplicate, campaign_id, date, merchant_id",
        EntityKind.Catalogs => "seq, outcome, maybe_duplicate, catalog_id, merchant_id, product_count",
        EntityKind.Products => "seq, outcome, maybe_duplicate, catalog_id, product_id, merchant_id, currency",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary>The entity's key: the order records go to a target in, within a batch.</summary>
    public static string KeyColumns(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "campaign_id",
        EntityKind.CampaignPerformance => "campaign_id, date",
        EntityKind.Catalogs => "catalog_id",
        EntityKind.Products => "catalog_id, product_id",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary>
    /// <c>FROM</c> the job's staging of the entity as <c>s</c>, keeping the loaded rows with seq from parameter
    /// <paramref name="lo"/> to <paramref name="hi"/> (a run of batches, see <see cref="SeqBoundsAsync"/>): one range read
    /// of the staging's seq index. The bounds are parameters, not a join with <c>stage_batches</c>, so the planner sees
    /// how few rows they take: planned blind, with the loader's checks in the filter, it read the whole staging of a 5M-row
    /// job for every merge. Ends in a WHERE clause, so more conditions follow with AND.
    /// </summary>
    public static string BatchRange(EntityKind entity, Guid jobId, string lo, string hi) =>
        $"{Name(entity, jobId)} s WHERE s.outcome = 0 AND s.seq BETWEEN {lo} AND {hi}";

    /// <summary>The seq range of batches <paramref name="firstBatch"/> to <paramref name="lastBatch"/> of the job's entity; (0, -1) when there are none.</summary>
    public static async Task<(long Lo, long Hi)> SeqBoundsAsync(NpgsqlConnection connection, Guid jobId, EntityKind entity,
        int firstBatch, int lastBatch, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(min(first_seq), 0), coalesce(max(last_seq), -1) FROM stage_batches
            WHERE job_id = $1 AND entity = $2 AND batch_no BETWEEN $3 AND $4
            """, connection);
        foreach (var arg in new object[] { jobId, (short)entity, firstBatch, lastBatch }) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
