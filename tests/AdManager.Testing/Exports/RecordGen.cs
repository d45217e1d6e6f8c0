using System.Collections.Immutable;
using CsCheck;

namespace AdManager.Testing.Exports;

/// <summary>The ids an export draws from: small pools, so that duplicates, orphans and merchant mismatches happen.</summary>
/// <param name="Merchants">Every merchant of the export.</param>
/// <param name="CampaignMerchant">Campaign id -> its usual merchant.</param>
/// <param name="CatalogMerchant">Catalog id -> its usual merchant.</param>
/// <param name="ProductIds">Product ids.</param>
/// <param name="MissingParents">Ids no parent record has (children referencing them are orphans).</param>
public sealed record IdPools(
    IReadOnlyList<string> Merchants,
    IReadOnlyDictionary<string, string> CampaignMerchant,
    IReadOnlyDictionary<string, string> CatalogMerchant,
    IReadOnlyList<string> ProductIds,
    IReadOnlyList<string> MissingParents)
{
    /// <summary>Ids start with <paramref name="prefix"/> (keep it short: ids have at most 64 characters).</summary>
    public static IdPools Create(string prefix, int merchants = 3, int campaigns = 5, int catalogs = 4, int products = 6)
    {
        var m = Enumerable.Range(1, merchants).Select(i => $"{prefix}m{i}").ToArray();
        return new IdPools(
            m,
            // Parents belong to the first two merchants; the others appear only where a record names another merchant.
            Enumerable.Range(1, campaigns).ToDictionary(i => $"{prefix}c{i}", i => m[i % Math.Min(2, m.Length)]),
            Enumerable.Range(1, catalogs).ToDictionary(i => $"{prefix}k{i}", i => m[(i + 1) % Math.Min(2, m.Length)]),
            [.. Enumerable.Range(1, products).Select(i => $"{prefix}p{i}")],
            [$"{prefix}c99", $"{prefix}k99"]);
    }
}

/// <summary>
/// Generated records of each entity: mostly valid, some with a bad field (and maybe more bad fields after it, which must
/// not matter), some damaged. What the spec says of each is known by construction (see <see cref="ExportRecord"/>).
/// </summary>
public static partial class RecordGen
{
    private static readonly DateOnly FirstDate = new(2020, 1, 1);
    private static readonly DateOnly LastDate = new(2026, 12, 31);

    /// <summary>Records of <paramref name="entity"/>: valid ones, ones with field-level defects, damaged ones.</summary>
    public static Gen<ExportRecord> Any(ExportEntity entity, IdPools pools) =>
        Base(entity, pools).SelectMany(b => Gen.Frequency(
            (6, Gen.Const(b.Record)),
            (3, WithDefect(b)),
            (1, Damaged(b.Record))));

    /// <summary>Records whose every field passes (they may still be out of scope, orphans or superseded).</summary>
    public static Gen<ExportRecord> Valid(ExportEntity entity, IdPools pools) => Base(entity, pools).Select(b => b.Record);

    /// <summary>A valid record and, per column, the bad values that column can have given the others.</summary>
    private sealed record Candidate(ExportRecord Record, Gen<Bad>[] Defects);

    private static Gen<Candidate> Base(ExportEntity entity, IdPools pools) => entity switch
    {
        ExportEntity.Campaigns => Campaign(pools),
        ExportEntity.CampaignPerformance => Performance(pools),
        ExportEntity.Catalogs => Catalog(pools),
        _ => Product(pools),
    };

    /// <summary>Column k gets a bad value; each later column may get one too. The reason is column k's.</summary>
    private static Gen<ExportRecord> WithDefect(Candidate b) =>
        from k in Gen.Int[0, b.Defects.Length - 1]
        from bad in b.Defects[k]
        from later in LaterDefects(b.Defects, k + 1)
        select b.Record with
        {
            Cells = [.. b.Record.Cells.Select((cell, i) => i == k ? bad.Cell : i > k && later[i - k - 1] is { } l ? l.Cell : cell)],
            Reason = $"{bad.Reason}:{ExportColumns.Of(b.Record.Entity)[k]}",
            Stored = null,
        };

    private static Gen<ImmutableList<Bad?>> LaterDefects(Gen<Bad>[] defects, int from)
    {
        var gen = Gen.Const(ImmutableList<Bad?>.Empty);
        for (var i = from; i < defects.Length; i++)
        {
            var one = Gen.Frequency((2, Gen.Const((Bad?)null)), (1, defects[i].Select(b => (Bad?)b)));
            gen = Gen.Select(gen, one, (list, bad) => list.Add(bad));
        }

        return gen;
    }

    /// <summary>Invalid UTF-8 goes into a column that is not part of the key, written as a JSON string, so the key stays readable.</summary>
    private static Gen<ExportRecord> Damaged(ExportRecord record) =>
        from damage in Gen.OneOf(Damage.InvalidEncoding, Damage.Malformed)
        from variant in Gen.Int[0, 99]
        let column = ExportColumns.IndexOf(record.Entity, DamageColumn(record.Entity))
        let text = record.Cells[column].Text
        select record with
        {
            Damage = damage,
            DamageVariant = variant,
            Reason = null,
            Stored = null,
            Cells = [.. record.Cells.Select((cell, i) => i == column ? new Cell(string.IsNullOrWhiteSpace(text) ? "x" : text) : cell)],
        };

    /// <summary>The column that receives bytes that are not UTF-8 when a record is damaged that way.</summary>
    public static string DamageColumn(ExportEntity entity) => entity switch
    {
        ExportEntity.Campaigns => "campaign_name",
        ExportEntity.CampaignPerformance => "merchant_id",
        ExportEntity.Catalogs => "catalog_name",
        _ => "title",
    };

    private static Gen<Bad> Or(params Gen<Bad>[] gens) => Gen.OneOf(gens);

    private static readonly Gen<Cell> AbsentOrEmpty = Gen.OneOf<Cell>(Cell.Absent, "", "  ");

    private static Gen<string> Merchant(IdPools pools, string usual) =>
        Gen.Frequency((8, Gen.Const(usual)), (1, Gen.OneOf(pools.Merchants.ToArray())));

    private static Gen<string> Parent(IReadOnlyDictionary<string, string> parents, string missing) =>
        Gen.Frequency((9, Gen.OneOf(parents.Keys.ToArray())), (1, Gen.Const(missing)));

    private static ExportRecord Record(ExportEntity entity, StoredRecord stored, params Cell[] cells) =>
        new(entity, cells, Damage.None, 0, null, stored, []);

    /// <summary>
    /// Lists of records with a few twins: valid records with the key and the <c>last_modified</c> instant (spelled anew)
    /// of an earlier valid record, so that duplicates tie and only the line decides.
    /// </summary>
    public static Gen<List<ExportRecord>> WithTwins(ExportEntity entity, IdPools pools, Gen<ExportRecord> records, int maxRecords) =>
        from list in records.List[0, maxRecords]
        from twins in Gen.Select(Gen.Int[0, 1_000_000], Valid(entity, pools), Gen.Int[0, 1_000_000], (pick, fresh, at) => (pick, fresh, at)).List[0, 3]
        from result in AddTwins(list, twins)
        select result;

    private static Gen<List<ExportRecord>> AddTwins(List<ExportRecord> list, List<(int Pick, ExportRecord Fresh, int At)> twins)
    {
        var gen = Gen.Const(list);
        foreach (var (pick, fresh, at) in twins)
        {
            gen = gen.SelectMany(current =>
            {
                var originals = current.Where(r => r.Stored is not null).ToList();
                if (originals.Count == 0) return Gen.Const(current);
                var original = originals[pick % originals.Count];
                var position = current.IndexOf(original) + 1 + (at % (current.Count - current.IndexOf(original)));
                return Twin(original, fresh).Select(twin => current.Take(position).Append(twin).Concat(current.Skip(position)).ToList());
            });
        }

        return gen;
    }

    private static Gen<ExportRecord> Twin(ExportRecord original, ExportRecord fresh)
    {
        var entity = original.Entity;
        string[] keys = entity switch
        {
            ExportEntity.Campaigns => ["campaign_id"],
            ExportEntity.CampaignPerformance => ["campaign_id", "date"],
            ExportEntity.Catalogs => ["catalog_id"],
            _ => ["catalog_id", "product_id"],
        };
        var modified = original.Stored!.Modified;
        var spelled = modified is { } instant ? ValueGen.Timestamp(instant).Select(c => (Cell?)c) : Gen.Const((Cell?)null);
        return spelled.Select(timestamp =>
        {
            var cells = fresh.Cells.ToArray();
            foreach (var key in keys)
            {
                var i = ExportColumns.IndexOf(entity, key);
                cells[i] = original.Cells[i];
            }

            if (timestamp is { } t)
            {
                cells[ExportColumns.IndexOf(entity, "last_modified")] = t;
            }

            StoredRecord stored = (original.Stored, fresh.Stored) switch
            {
                (StoredCampaign o, StoredCampaign f) => f with { CampaignId = o.CampaignId, SourceModifiedAt = o.SourceModifiedAt },
                (StoredPerformance o, StoredPerformance f) => f with { CampaignId = o.CampaignId, Date = o.Date },
                (StoredCatalog o, StoredCatalog f) => f with { CatalogId = o.CatalogId, SourceModifiedAt = o.SourceModifiedAt },
                (StoredProduct o, StoredProduct f) => f with { CatalogId = o.CatalogId, ProductId = o.ProductId, SourceModifiedAt = o.SourceModifiedAt },
                _ => throw new InvalidOperationException("twins are of one entity"),
            };
            return fresh with { Cells = cells, Stored = stored };
        });
    }
}
