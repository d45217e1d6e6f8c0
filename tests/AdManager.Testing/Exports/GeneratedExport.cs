using CsCheck;

namespace AdManager.Testing.Exports;

/// <summary>A whole legacy export: its entity files and the merchant scope a job over it uses.</summary>
public sealed record GeneratedExport(IReadOnlyList<string> Scope, IReadOnlyList<EntityFile> Files)
{
    /// <summary>Writes every file into <paramref name="directory"/>.</summary>
    public IReadOnlyDictionary<ExportEntity, WrittenFile> WriteTo(string directory)
    {
        var written = new Dictionary<ExportEntity, WrittenFile>();
        foreach (var file in Files)
        {
            var result = ExportWriter.Write(file);
            File.WriteAllBytes(Path.Combine(directory, result.FileName), result.Bytes);
            written[file.Entity] = result;
        }

        return written;
    }

    /// <summary>What the spec says a job over this export reports and stores, given how it was written.</summary>
    public ModelResult Expected(IReadOnlyDictionary<ExportEntity, WrittenFile> written) => ReferenceModel.Run(Files, Scope, written);

    public override string ToString() => $"scope [{string.Join(", ", Scope)}]\n" + string.Join("\n", Files);
}

/// <summary>CsCheck generators of whole exports and of single entity files.</summary>
public static class ExportGen
{
    /// <summary>
    /// Exports of all four entities: every record kind of <see cref="RecordGen.Any"/>, ids from small pools (so there are
    /// duplicates, orphans and merchant mismatches), a scope that leaves one merchant out or no scope, and each file in
    /// its own format.
    /// </summary>
    /// <param name="prefix">Starts every id, so exports of different tests never share keys in the targets.</param>
    /// <param name="maxRecords">At most this many records per entity.</param>
    public static Gen<GeneratedExport> Export(string prefix, int maxRecords = 12)
    {
        var pools = IdPools.Create(prefix);
        return from scoped in Gen.Bool
               from campaigns in File(ExportEntity.Campaigns, Records(ExportEntity.Campaigns, pools, maxRecords))
               from performance in File(ExportEntity.CampaignPerformance, Records(ExportEntity.CampaignPerformance, pools, maxRecords))
               from catalogs in File(ExportEntity.Catalogs, Records(ExportEntity.Catalogs, pools, maxRecords))
               from products in File(ExportEntity.Products, Records(ExportEntity.Products, pools, maxRecords))
               select new GeneratedExport(scoped ? [.. pools.Merchants.Take(2)] : [], [campaigns, performance, catalogs, products]);
    }

    /// <summary>Records of every kind (<see cref="RecordGen.Any"/>), with a few tied duplicates.</summary>
    public static Gen<List<ExportRecord>> Records(ExportEntity entity, IdPools pools, int maxRecords) =>
        RecordGen.WithTwins(entity, pools, RecordGen.Any(entity, pools), maxRecords);

    /// <summary>One entity file of the given records, in a generated layout.</summary>
    public static Gen<EntityFile> File(ExportEntity entity, Gen<ExportRecord> records, int maxRecords) => File(entity, records.List[0, maxRecords]);

    /// <summary>One entity file of the given records, in a generated layout.</summary>
    public static Gen<EntityFile> File(ExportEntity entity, Gen<List<ExportRecord>> records) =>
        from list in records
        from layout in Layout(entity, list.Count)
        from extras in Gen.Bool.Array[list.Count]
        select new EntityFile(entity, WithExtras(list, layout, extras), layout);

    /// <summary>NDJSON records carry the unknown keys in some lines; CSV has them as header columns.</summary>
    private static List<ExportRecord> WithExtras(List<ExportRecord> records, FileLayout layout, bool[] extras) =>
        layout.Csv || layout.ExtraColumns.Count == 0
            ? records
            : [.. records.Select((r, i) => extras[i] ? r with { Extra = [.. layout.ExtraColumns.Select(c => KeyValuePair.Create(c, "legacy " + i))] } : r)];

    public static Gen<FileLayout> Layout(ExportEntity entity, int records)
    {
        var columns = ExportColumns.Of(entity).Count;
        return from csv in Gen.Bool
               from gzip in Gen.Bool
               from bom in Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true)))
               from lineEnding in Gen.OneOf("\n", "\r\n", "\r")
               from finalLineEnding in Gen.Frequency((4, Gen.Const(true)), (1, Gen.Const(false)))
               from extra in Gen.OneOf<string[]>([], [], ["notes"], ["notes", "legacy_flag"])
               from order in Gen.Shuffle(Enumerable.Range(0, columns + extra.Length).ToArray())
               from quoteAll in Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true)))
               from nullLiteral in Gen.Bool
               from escape in Gen.Bool
               from blanks in Gen.Frequency((8, Gen.Const(0)), (1, Gen.Int[1, 2])).Array[records]
               select new FileLayout(csv, gzip, csv && bom, lineEnding, finalLineEnding, order, extra, quoteAll, nullLiteral, escape, blanks);
    }

    /// <summary>One value of a generator, the same for the same seed (for tools such as a benchmark's export).</summary>
    public static T Example<T>(this Gen<T> gen, ulong seed) => gen.Generate(new PCG(1, seed), null, out _);
}
