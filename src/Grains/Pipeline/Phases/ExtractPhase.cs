using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.Grains.Stores.Postgres;
using Npgsql;

namespace AdManager.Grains.Pipeline.Phases;

/// <summary>What reading one entity produced.</summary>
public sealed record EntityExtraction(long Read, long Skipped, long Rejected, IReadOnlyList<string> Warnings);

/// <summary>
/// Steps 4.2 and (record by record) 4.4: streams one entity from its source (an export file, a legacy table: the
/// phase does not care which), applies the record-level outcomes of the spec in their order (encoding, structure,
/// scope, field checks) and stages the result in PostgreSQL. Cross-record rules run later, set-based
/// (<see cref="StagingResolver"/>).
/// </summary>
public sealed class ExtractPhase(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Reads <paramref name="source"/> completely. Synchronous and CPU-bound: call it on the thread pool. The caller
    /// owns (and disposes) the source. <paramref name="progress"/> receives the running count of records read, every
    /// few thousand records.
    /// </summary>
    public EntityExtraction Run(Guid jobId, EntitySchema schema, IEntitySource source, IReadOnlySet<string> merchantScope,
        Action<long> progress, CancellationToken ct)
    {
        using var staging = StagingWriter.Open(dataSource, jobId, schema.Kind);
        var merchantIndex = schema.IndexOf("merchant_id");
        long read = 0, skipped = 0, rejected = 0;

        foreach (var record in source.ReadRecords())
        {
            read++;
            if ((read & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress(read);
            }

            switch (record.Problem)
            {
                case RecordProblem.InvalidEncoding:
                    staging.Reject(record.Line, null, "invalid_encoding", "the record's bytes are not valid UTF-8");
                    rejected++;
                    continue;
                case RecordProblem.MalformedRow:
                    staging.Reject(record.Line, null, "malformed_row", source.MalformedDetail);
                    rejected++;
                    continue;
            }

            var values = record.Values!;
            if (merchantScope.Count > 0 && values[merchantIndex]?.Trim() is { Length: > 0 } merchant && !merchantScope.Contains(merchant))
            {
                skipped++;
                continue;
            }

            if (!Stage(schema.Kind, record.Line, values, staging, out var rejection))
            {
                staging.Reject(record.Line, RecordRules.RecordKey(schema.Kind, values), rejection.Reason, rejection.Detail);
                rejected++;
            }
        }

        staging.Complete();
        progress(read);
        return new EntityExtraction(read, skipped, rejected, source.Warnings.ToList());
    }

    private static bool Stage(EntityKind kind, long line, string?[] values, StagingWriter staging, out Rejection rejection)
    {
        if (kind == EntityKind.Campaigns)
        {
            if (!RecordRules.TryCampaign(values, out var campaign, out rejection)) return false;
            staging.Write(line, campaign!);
        }
        else if (kind == EntityKind.CampaignPerformance)
        {
            if (!RecordRules.TryPerformance(values, out var performance, out rejection)) return false;
            staging.Write(line, RecordRules.RecordKey(kind, values) ?? performance!.CampaignId, performance!);
        }
        else if (kind == EntityKind.Catalogs)
        {
            if (!RecordRules.TryCatalog(values, out var catalog, out rejection)) return false;
            staging.Write(line, catalog!);
        }
        else
        {
            if (!RecordRules.TryProduct(values, out var product, out rejection)) return false;
            staging.Write(line, product!);
        }
        return true;
    }
}
