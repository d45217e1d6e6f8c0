using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.Testing.Exports;

namespace AdManager.UnitTests.Conformance;

/// <summary>A record as the product's reader and record rules see it, in the shape the spec's model speaks.</summary>
internal sealed record ReadOutcome(long Line, RecordFate Fate, string? Reason, string? Key, StoredRecord? Stored, string? Detail)
{
    public override string ToString() => $"L{Line} {Fate} {Reason} key={Key ?? "∅"} {Stored}";
}

/// <summary>Reads a written entity file through <see cref="EntityFileReader"/> and <see cref="RecordClassifier"/>: no database.</summary>
internal static class ReadBack
{
    private static readonly HashSet<string> NoScope = [];

    public static List<ReadOutcome> Read(WrittenFile file, ExportEntity entity, IReadOnlyCollection<string>? scope = null)
    {
        var schema = EntitySchema.For((EntityKind)entity);
        var classifier = new RecordClassifier(schema, scope is null ? NoScope : scope.ToHashSet(StringComparer.Ordinal));
        using var reader = EntityFileReader.Open(new MemoryStream(file.Bytes, writable: false), file.FileName, schema);
        return
        [
            .. reader.ReadRecords().Select(record =>
            {
                var outcome = classifier.Classify(record);
                return new ReadOutcome(
                    record.Line,
                    outcome.Fate,
                    outcome.Fate == RecordFate.Rejected ? outcome.Rejection.Reason : null,
                    outcome.Fate == RecordFate.Rejected ? outcome.Key : null,
                    outcome.Record is null ? null : ToStored(outcome.Record),
                    outcome.Fate == RecordFate.Rejected ? outcome.Rejection.Detail : null);
            }),
        ];
    }

    /// <summary>Writes the records as <paramref name="layout"/> says and reads them back.</summary>
    public static (WrittenFile File, List<ReadOutcome> Outcomes) RoundTrip(ExportEntity entity, IReadOnlyList<ExportRecord> records, FileLayout layout,
        IReadOnlyCollection<string>? scope = null)
    {
        var written = ExportWriter.Write(new EntityFile(entity, records, layout));
        return (written, Read(written, entity, scope));
    }

    /// <summary>What the spec says of one record before references and duplicates: the model's record-level outcome.</summary>
    public static ReadOutcome Expected(ExportRecord record, long line, IReadOnlyCollection<string> scope)
    {
        var merchant = record.Trimmed("merchant_id");
        return record switch
        {
            { Damage: Damage.InvalidEncoding } => new(line, RecordFate.Rejected, "invalid_encoding", ReferenceModel.Key(record), null, null),
            { Damage: Damage.Malformed } => new(line, RecordFate.Rejected, "malformed_row", null, null, null),
            _ when scope.Count > 0 && merchant.Length > 0 && !scope.Contains(merchant) => new(line, RecordFate.OutOfScope, null, null, null, null),
            { Reason: { } reason } => new(line, RecordFate.Rejected, reason, ReferenceModel.Key(record), null, null),
            _ => new(line, RecordFate.Valid, null, null, record.Stored, null),
        };
    }

    public static StoredRecord ToStored(object record) => record switch
    {
        CampaignRecord c => new StoredCampaign(c.CampaignId, c.MerchantId, c.Name, c.Status, c.DailyBudgetMicros, c.Currency, c.StartDate, c.EndDate,
            c.TargetingJson, c.SourceModifiedAt),
        PerformanceRecord p => new StoredPerformance(p.CampaignId, p.MerchantId, p.Date, p.Impressions, p.Clicks, p.CostMicros, p.Conversions),
        CatalogRecord k => new StoredCatalog(k.CatalogId, k.MerchantId, k.Name, k.Country, k.DefaultCurrency, k.SourceModifiedAt, k.ProductCount),
        ProductRecord p => new StoredProduct(p.ProductId, p.CatalogId, p.MerchantId, p.Title, p.Description, p.PriceMicros, p.SalePriceMicros,
            p.Currency, p.Availability, p.Gtin, p.Link, p.ImageLink, p.SourceModifiedAt),
        _ => throw new ArgumentException($"not a record: {record}", nameof(record)),
    };
}
