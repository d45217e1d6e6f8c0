using System.Globalization;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.Testing.Exports;

namespace AdManager.UnitTests.Conformance;

/// <summary>
/// Writes one record as CSV and as NDJSON, plain and gzip, after a record spanning several lines and a blank line (so
/// line numbers are not trivial), reads each file back through the product's reader and record rules, and checks that
/// every format gives the same outcome at the line the writer put the record on.
/// </summary>
internal static class BothFormats
{
    public static IReadOnlyList<(string Name, FileLayout Layout)> Layouts(ExportEntity entity)
    {
        var columns = ExportColumns.Of(entity).Count;
        var reversed = Enumerable.Range(0, columns).Reverse().ToArray();
        return
        [
            ("csv", FileLayout.PlainCsv(entity, 2) with { BlankLinesBefore = [0, 1] }),
            ("csv.gz", FileLayout.PlainCsv(entity, 2) with
            {
                Gzip = true, Bom = true, LineEnding = "\r\n", ColumnOrder = [.. reversed, columns], ExtraColumns = ["notes"], QuoteAll = true,
                BlankLinesBefore = [1, 2],
            }),
            ("ndjson", FileLayout.PlainNdjson(entity, 2) with { BlankLinesBefore = [0, 1], FinalLineEnding = false }),
            ("ndjson.gz", FileLayout.PlainNdjson(entity, 2) with
            {
                Gzip = true, LineEnding = "\r", ColumnOrder = reversed, NullLiteral = true, EscapeNonAscii = true, BlankLinesBefore = [2, 1],
            }),
        ];
    }

    /// <summary>The record under test as the spec's model sees it (no reason: the test states the expected one).</summary>
    public static ExportRecord Record(EntityKind kind, string?[] values, Damage damage = Damage.None, int variant = 0) =>
        new((ExportEntity)kind, [.. values.Select(v => new Cell(v))], damage, variant, null, null, []);

    /// <summary>A record whose text spans lines, to sit before the record under test.</summary>
    private static ExportRecord Before(EntityKind kind)
    {
        var values = Transform.TestRows.Build(kind);
        var text = kind switch
        {
            EntityKind.Campaigns => "campaign_name",
            EntityKind.Catalogs => "catalog_name",
            EntityKind.Products => "title",
            _ => null,
        };
        if (text is not null)
        {
            values[EntitySchema.For(kind).IndexOf(text)] = "two\r\nlines, \"quoted\"\nand three";
        }

        return Record(kind, values);
    }

    /// <summary>The outcome of <paramref name="record"/> in every layout, with the line it was written on.</summary>
    public static List<(string Format, long WrittenLine, ReadOutcome Outcome)> Read(ExportRecord record, IReadOnlyCollection<string>? scope = null)
    {
        var results = new List<(string, long, ReadOutcome)>();
        foreach (var (name, layout) in Layouts(record.Entity))
        {
            var (written, outcomes) = ReadBack.RoundTrip(record.Entity, [Before((EntityKind)record.Entity), record], layout, scope);
            Assert.Equal(2, outcomes.Count);
            Assert.NotEqual(RecordFate.Rejected, outcomes[0].Fate);
            results.Add((name, written.Lines[1], outcomes[1]));
        }

        return results;
    }

    /// <summary>Rejected with <paramref name="reason"/> and <paramref name="key"/> at the written line, in every format.</summary>
    public static void AssertRejected(ExportRecord record, string reason, string? key, IReadOnlyCollection<string>? scope = null)
    {
        foreach (var (format, line, outcome) in Read(record, scope))
        {
            Assert.True(
                outcome.Fate == RecordFate.Rejected && outcome.Reason == reason && outcome.Key == key && outcome.Line == line,
                $"{format}: expected {reason} key={key ?? "∅"} at line {line}, got {outcome}");
            Assert.False(string.IsNullOrWhiteSpace(outcome.Detail), $"{format}: no detail");
        }
    }

    /// <summary>Valid in every format, and every format stores the same record.</summary>
    public static StoredRecord AssertValid(ExportRecord record)
    {
        var stored = new List<StoredRecord>();
        foreach (var (format, line, outcome) in Read(record))
        {
            Assert.True(outcome.Fate == RecordFate.Valid && outcome.Line == line, $"{format}: expected valid at line {line}, got {outcome} ({outcome.Detail})");
            stored.Add(outcome.Stored!);
        }

        Assert.All(stored, s => Assert.Equal(stored[0], s));
        return stored[0];
    }

    /// <summary>A stored column as text: micros and counts as integers, dates <c>yyyy-MM-dd</c>, instants UTC round-trip, null as ∅.</summary>
    public static string StoredText(StoredRecord record, string column)
    {
        var property = column switch
        {
            "campaign_name" or "catalog_name" => "Name",
            "daily_budget" => "DailyBudgetMicros",
            "targeting_json" => "TargetingJson",
            "last_modified" => "SourceModifiedAt",
            "cost" => "CostMicros",
            "price" => "PriceMicros",
            "sale_price" => "SalePriceMicros",
            _ => string.Concat(column.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..])),
        };
        var value = record.GetType().GetProperty(property)?.GetValue(record)
                    ?? (record.GetType().GetProperty(property) is null ? throw new ArgumentException($"no stored {column}") : null);
        return value switch
        {
            null => "∅",
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString()!,
        };
    }
}
