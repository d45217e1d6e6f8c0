namespace AdManager.Testing.Exports;

/// <summary>One value as it goes into an entity file.</summary>
/// <param name="Text">The raw text, untrimmed. Null: an empty CSV field, an NDJSON key left out (or <c>null</c>).</param>
/// <param name="JsonNumber">NDJSON writes the text unquoted, as a JSON number (it must be one).</param>
/// <param name="JsonRaw">NDJSON writes the text unquoted, as raw JSON (an object for <c>targeting_json</c>).</param>
public readonly record struct Cell(string? Text, bool JsonNumber = false, bool JsonRaw = false)
{
    public static Cell Absent { get; } = new(null);

    public static implicit operator Cell(string? text) => new(text);

    public override string ToString()
    {
        if (Text is null) return "∅";
        var shown = Text.Length <= 80 ? Text : $"{Text[..40]}…({Text.Length} chars)";
        shown = shown.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return JsonNumber ? $"#{shown}" : JsonRaw ? $"@{shown}" : $"'{shown}'";
    }
}

/// <summary>What is wrong with a record before any field is looked at (outcomes 1 and 2 of the spec).</summary>
public enum Damage
{
    None = 0,

    /// <summary>Bytes that are not UTF-8 inside a value that is not part of the key.</summary>
    InvalidEncoding = 1,

    /// <summary>A CSV record that breaks quoting or the field count; an NDJSON line that is not a JSON object.</summary>
    Malformed = 2,
}

/// <summary>
/// A generated record and what the spec says of it, known by construction: the <see cref="Reason"/> of the first failing
/// field check (null when every field passes) and, when every field passes, the <see cref="Stored"/> values.
/// Scope, references and duplicates are the <see cref="ReferenceModel"/>'s to decide.
/// </summary>
/// <param name="Entity">The entity.</param>
/// <param name="Cells">One per column of <see cref="ExportColumns.Of"/>, in that order.</param>
/// <param name="Damage">Structural damage; the writer realizes it in the file's own format.</param>
/// <param name="DamageVariant">Which kind of damage, when several fit (writers take it modulo their count).</param>
/// <param name="Reason">The expected field-level reason, such as <c>invalid_value:gtin</c>; null when all fields pass.</param>
/// <param name="Stored">The stored form when all fields pass (products: <c>Currency</c> null when empty).</param>
/// <param name="Extra">Unknown keys an NDJSON line carries besides the columns (ignored, warned once).</param>
public sealed record ExportRecord(
    ExportEntity Entity,
    IReadOnlyList<Cell> Cells,
    Damage Damage,
    int DamageVariant,
    string? Reason,
    StoredRecord? Stored,
    IReadOnlyList<KeyValuePair<string, string>> Extra)
{
    public Cell this[string column] => Cells[ExportColumns.IndexOf(Entity, column)];

    /// <summary>The value of a column trimmed the spec's way (Unicode White_Space), empty when absent.</summary>
    public string Trimmed(string column) => this[column].Text?.Trim() ?? "";

    public override string ToString()
    {
        var what = Damage != Damage.None ? Damage.ToString() : Reason ?? "valid";
        return $"{ExportColumns.Name(Entity)}[{what}] {string.Join(", ", Cells)}";
    }
}
