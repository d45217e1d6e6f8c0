namespace AdManager.Testing.Exports;

/// <summary>Per-entity counts of the report (spec: <c>read = skippedOutOfScope + rejected + superseded + loaded</c>).</summary>
public sealed record ModelCounts(long Read, long SkippedOutOfScope, long Rejected, long Superseded, long Loaded, IReadOnlyDictionary<string, long> RejectedByReason);

/// <summary>One rejection as the rejections endpoint lists it.</summary>
public sealed record ModelRejection(string Entity, long Line, string? Key, string Reason);

/// <summary>What the spec says a job over an export must report and store.</summary>
public sealed record ModelResult(
    IReadOnlyDictionary<ExportEntity, ModelCounts> Counts,
    IReadOnlyList<ModelRejection> Rejections,
    IReadOnlyList<StoredCampaign> Campaigns,
    IReadOnlyList<StoredPerformance> Performance,
    IReadOnlyList<StoredCatalog> Catalogs,
    IReadOnlyList<StoredProduct> Products,
    IReadOnlyList<(string File, string Name)> UnknownNames);

/// <summary>
/// A deliberately plain model of the spec's "Outcomes of a record" over a generated export: in file order, damage, then
/// scope, then the field reason known by construction; then per entity, parents first, references against the parents
/// that end loaded, then duplicates by key (later <c>last_modified</c>, then later line, wins). No parsing, no SQL.
/// </summary>
public static class ReferenceModel
{
    private enum Fate { Candidate, Skipped, Rejected, Superseded, Loaded }

    public static ModelResult Run(IReadOnlyList<EntityFile> files, IReadOnlyCollection<string> scope, IReadOnlyDictionary<ExportEntity, WrittenFile> written)
    {
        var counts = new Dictionary<ExportEntity, ModelCounts>();
        var rejections = new List<ModelRejection>();
        var loaded = new Dictionary<ExportEntity, List<StoredRecord>>();
        foreach (var entity in ExportColumns.All)
        {
            var file = files.SingleOrDefault(f => f.Entity == entity);
            var records = file?.Records ?? [];
            var lines = file is null ? [] : written[entity].Lines;
            var fates = new Fate[records.Count];
            var reasons = new string?[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                (fates[i], reasons[i]) = RecordLevel(records[i], scope);
            }

            var parents = entity switch
            {
                ExportEntity.CampaignPerformance => loaded.GetValueOrDefault(ExportEntity.Campaigns),
                ExportEntity.Products => loaded.GetValueOrDefault(ExportEntity.Catalogs),
                _ => null,
            };
            for (var i = 0; i < records.Count && parents is not null; i++)
            {
                if (fates[i] != Fate.Candidate) continue;
                var stored = records[i].Stored!;
                var parent = parents.SingleOrDefault(p => p.Key == stored.Parent);
                var column = entity == ExportEntity.Products ? "catalog_id" : "campaign_id";
                if (parent is null) (fates[i], reasons[i]) = (Fate.Rejected, "orphan:" + column);
                else if (parent.Merchant != stored.Merchant) (fates[i], reasons[i]) = (Fate.Rejected, "invalid_value:merchant_id");
            }

            // Duplicates: the winner has the latest last_modified (an instant), then the latest line.
            var winners = Enumerable.Range(0, records.Count)
                .Where(i => fates[i] == Fate.Candidate)
                .GroupBy(i => records[i].Stored!.Key, StringComparer.Ordinal)
                .Select(g => g.OrderByDescending(i => records[i].Stored!.Modified?.UtcTicks ?? 0).ThenByDescending(i => i).First())
                .ToHashSet();
            for (var i = 0; i < records.Count; i++)
            {
                if (fates[i] == Fate.Candidate) fates[i] = winners.Contains(i) ? Fate.Loaded : Fate.Superseded;
                if (fates[i] == Fate.Rejected) rejections.Add(new ModelRejection(ExportColumns.Name(entity), lines[i], Key(records[i]), reasons[i]!));
            }

            loaded[entity] = [.. Enumerable.Range(0, records.Count).Where(i => fates[i] == Fate.Loaded).Select(i => records[i].Stored!)];
            counts[entity] = new ModelCounts(
                records.Count,
                fates.Count(f => f == Fate.Skipped),
                fates.Count(f => f == Fate.Rejected),
                fates.Count(f => f == Fate.Superseded),
                fates.Count(f => f == Fate.Loaded),
                reasons.Where((r, i) => fates[i] == Fate.Rejected).GroupBy(r => r!).ToDictionary(g => g.Key, g => (long)g.Count()));
        }

        var catalogs = loaded[ExportEntity.Catalogs].Cast<StoredCatalog>().ToList();
        var products = loaded[ExportEntity.Products].Cast<StoredProduct>()
            .Select(p => p with { Currency = p.Currency ?? catalogs.Single(c => c.CatalogId == p.CatalogId).DefaultCurrency })
            .ToList();
        return new ModelResult(
            counts,
            rejections,
            loaded[ExportEntity.Campaigns].Cast<StoredCampaign>().ToList(),
            loaded[ExportEntity.CampaignPerformance].Cast<StoredPerformance>().ToList(),
            [.. catalogs.Select(c => c with { ProductCount = products.Count(p => p.CatalogId == c.CatalogId) })],
            products,
            UnknownNames(files));
    }

    /// <summary>Outcomes 1-4 without references: damage, scope, the field reason.</summary>
    private static (Fate, string?) RecordLevel(ExportRecord record, IReadOnlyCollection<string> scope)
    {
        if (record.Damage == Damage.InvalidEncoding) return (Fate.Rejected, "invalid_encoding");
        if (record.Damage == Damage.Malformed) return (Fate.Rejected, "malformed_row");
        var merchant = record.Trimmed("merchant_id");
        if (scope.Count > 0 && merchant.Length > 0 && !scope.Contains(merchant)) return (Fate.Skipped, null);
        return record.Reason is null ? (Fate.Candidate, null) : (Fate.Rejected, record.Reason);
    }

    /// <summary>
    /// The key a rejection shows: the id (campaign_id/date for performance rows, date as written), trimmed; null when
    /// empty or when the record's structure cannot be read. Shown the team's way (README, "Decisions"): control
    /// characters as <c>\uXXXX</c>, each part cut after 128 characters with an ellipsis.
    /// </summary>
    public static string? Key(ExportRecord record)
    {
        if (record.Damage == Damage.Malformed) return null;
        var id = record.Trimmed(ExportColumns.IdColumn(record.Entity));
        if (id.Length == 0) return null;
        if (record.Entity != ExportEntity.CampaignPerformance) return Shown(id);
        var date = record.Trimmed("date");
        return date.Length == 0 ? Shown(id) : Shown(id) + "/" + Shown(date);
    }

    private static string Shown(string part)
    {
        var cut = part.Length > 128 ? part[..(char.IsHighSurrogate(part[127]) ? 127 : 128)] : part;
        var shown = string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        return cut.Length < part.Length ? shown + "…" : shown;
    }

    /// <summary>Unknown CSV columns, and unknown NDJSON keys of lines that are JSON objects: one warning each.</summary>
    private static List<(string File, string Name)> UnknownNames(IReadOnlyList<EntityFile> files) =>
    [
        .. files.SelectMany(f => f.Layout.Csv
            ? f.Layout.ExtraColumns.Select(c => (f.FileName, c))
            : f.Records.Where(r => r.Damage == Damage.None).SelectMany(r => r.Extra.Select(e => (f.FileName, e.Key))))
            .Distinct(),
    ];
}
