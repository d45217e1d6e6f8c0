using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>Where one record stands after the record-level outcomes of the spec.</summary>
public enum RecordFate
{
    /// <summary>Passed every record-level check; references and duplicates are decided later, across records.</summary>
    Valid = 0,

    /// <summary>Skipped out of scope (outcome 3): not validated further, not a rejection.</summary>
    OutOfScope = 1,

    /// <summary>Rejected by outcome 1, 2 or a field check of outcome 4.</summary>
    Rejected = 2,
}

/// <summary>The outcome of one record.</summary>
/// <param name="Fate">Valid, out of scope or rejected.</param>
/// <param name="Record">When valid: the typed record (<c>CampaignRecord</c>, <c>PerformanceRecord</c>, <c>CatalogRecord</c> or <c>ProductRecord</c>).</param>
/// <param name="Key">
/// When rejected: the key shown with the rejection, or null when it cannot be read. When a valid performance row: its key
/// as written (<c>campaign_id/date</c>), kept for a later reference rejection. Otherwise null.
/// </param>
/// <param name="Rejection">When rejected: reason and detail.</param>
/// <param name="ModifiedBeyondTicks">
/// When valid and its last_modified has fraction digits beyond the 7th: those digits (<see cref="Formats.FractionBeyondTicks"/>),
/// which the record's instant (100 ns ticks) cannot hold but rule 5 still compares. Otherwise null.
/// </param>
public readonly record struct RecordOutcome(RecordFate Fate, object? Record, string? Key, Rejection Rejection, string? ModifiedBeyondTicks = null);

/// <summary>
/// Applies outcomes 1-4 of the spec's "Outcomes of a record" to the records of one entity file, in their order:
/// <c>invalid_encoding</c> and <c>malformed_row</c> (decided by <see cref="EntityFileReader"/> on the bytes), then scope,
/// then the field checks of <see cref="RecordRules"/>. References (the rest of outcome 4) and superseding duplicates
/// (outcome 5) need the other records and are decided set-based afterwards.
/// </summary>
public sealed class RecordClassifier
{
    public const string InvalidEncoding = "invalid_encoding";
    public const string MalformedRow = "malformed_row";

    private readonly EntitySchema _schema;
    private readonly IReadOnlySet<string> _merchantScope;
    private readonly int _merchantColumn;
    private readonly int _modifiedColumn;

    /// <param name="schema">The entity of the file.</param>
    /// <param name="merchantScope">The job's merchants; empty means every merchant. Matched exactly and case-sensitively.</param>
    public RecordClassifier(EntitySchema schema, IReadOnlySet<string> merchantScope)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(merchantScope);
        _schema = schema;
        _merchantScope = merchantScope;
        _merchantColumn = schema.IndexOf("merchant_id");
        _modifiedColumn = schema.IndexOf("last_modified");
    }

    public RecordOutcome Classify(in SourceRecord record)
    {
        switch (record.Problem)
        {
            case RecordProblem.InvalidEncoding:
                return Rejected(record.Readable, new Rejection(InvalidEncoding, record.Detail ?? "the record's bytes are not valid UTF-8"));
            case RecordProblem.MalformedRow:
                return Rejected(null, new Rejection(MalformedRow, record.Detail ?? "the record cannot be parsed"));
        }

        var values = record.Values!;
        if (_merchantScope.Count > 0 && values[_merchantColumn]?.Trim() is { Length: > 0 } merchant && !_merchantScope.Contains(merchant))
        {
            return new RecordOutcome(RecordFate.OutOfScope, null, null, default);
        }

        object? typed;
        Rejection rejection;
        switch (_schema.Kind)
        {
            case EntityKind.Campaigns:
                RecordRules.TryCampaign(values, out var campaign, out rejection);
                typed = campaign;
                break;
            case EntityKind.CampaignPerformance:
                RecordRules.TryPerformance(values, out var performance, out rejection);
                typed = performance;
                break;
            case EntityKind.Catalogs:
                RecordRules.TryCatalog(values, out var catalog, out rejection);
                typed = catalog;
                break;
            default:
                RecordRules.TryProduct(values, out var product, out rejection);
                typed = product;
                break;
        }

        if (typed is null)
        {
            return Rejected(values, rejection);
        }

        var key = _schema.Kind == EntityKind.CampaignPerformance ? RecordRules.RecordKey(_schema.Kind, values) : null;
        var beyondTicks = _modifiedColumn >= 0 ? Formats.FractionBeyondTicks(values[_modifiedColumn]!) : null;
        return new RecordOutcome(RecordFate.Valid, typed, key, default, beyondTicks);
    }

    private RecordOutcome Rejected(string?[]? values, Rejection rejection) =>
        new(RecordFate.Rejected, null, values is null ? null : RecordRules.RecordKey(_schema.Kind, values), rejection);
}
