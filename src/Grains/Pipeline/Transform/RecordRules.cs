using System.Globalization;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>
/// The record-level rules of the legacy-export spec: one record's raw values (<c>values[i]</c> belongs to
/// <c>EntitySchema.Columns[i]</c>; null when the column or key is absent; otherwise untrimmed text) become a
/// typed record, or the rejection of the first check that fails, checks running in column order with each
/// cross-field check at its later column. Scope, references, duplicates and the product's currency fallback
/// are the pipeline's, not these rules'.
/// </summary>
/// <remarks>
/// Each method throws <see cref="ArgumentException"/> when <c>values</c> does not have exactly one entry per
/// column: that is a bug in the caller, not a bad record.
/// </remarks>
public static partial class RecordRules
{
    /// <summary>Longest part of a record key shown before it is cut with an ellipsis.</summary>
    public const int MaxKeyPartLength = 128;

    /// <summary>
    /// The record's key as shown in rejections, from trimmed raw values, null when not available:
    /// campaigns: campaign_id; campaign_performance: <c>campaign_id/date</c> (just campaign_id when the date
    /// is empty); catalogs: catalog_id; products: product_id. Null when that id is empty or the values are
    /// too few. Parts longer than <see cref="MaxKeyPartLength"/> are cut with an ellipsis so a report stays small,
    /// and control characters or unpaired surrogates (never in a valid id) are shown as <c>\uXXXX</c>.
    /// </summary>
    public static string? RecordKey(EntityKind kind, string?[] values)
    {
        var schema = EntitySchema.For(kind);
        var idColumn = kind switch
        {
            EntityKind.Campaigns => "campaign_id",
            EntityKind.CampaignPerformance => "campaign_id",
            EntityKind.Catalogs => "catalog_id",
            _ => "product_id",
        };
        var id = KeyPart(values, schema.IndexOf(idColumn));
        if (id is null)
        {
            return null;
        }

        if (kind != EntityKind.CampaignPerformance)
        {
            return id;
        }

        var date = KeyPart(values, schema.IndexOf("date"));
        return date is null ? id : id + "/" + date;
    }

    private static string? KeyPart(string?[] values, int column)
    {
        var value = column < values.Length ? values[column]?.Trim() : null;
        return string.IsNullOrEmpty(value) ? null : Quote.Clip(value, MaxKeyPartLength);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
