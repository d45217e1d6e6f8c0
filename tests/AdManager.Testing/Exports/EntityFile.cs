namespace AdManager.Testing.Exports;

/// <summary>How one entity file is written: format and the liberties the spec allows.</summary>
/// <param name="Csv">CSV, else NDJSON.</param>
/// <param name="Gzip">Gzip-compressed (<c>.gz</c>).</param>
/// <param name="Bom">CSV only: a UTF-8 BOM first.</param>
/// <param name="LineEnding">LF, CRLF or CR.</param>
/// <param name="FinalLineEnding">Whether the last record ends with a line break.</param>
/// <param name="ColumnOrder">
/// A permutation of the header positions: index &lt; column count is a spec column, above it an unknown column of
/// <paramref name="ExtraColumns"/> (CSV). NDJSON writes keys in this order.
/// </param>
/// <param name="ExtraColumns">Unknown columns (CSV header) or unknown keys (NDJSON, in the records whose <see cref="ExportRecord.Extra"/> has them).</param>
/// <param name="QuoteAll">CSV: quote every field, not only those that need it.</param>
/// <param name="NullLiteral">NDJSON: write absent values as <c>null</c> instead of leaving the key out.</param>
/// <param name="EscapeNonAscii">NDJSON: escape non-ASCII characters as <c>\uXXXX</c> instead of writing UTF-8.</param>
/// <param name="BlankLinesBefore">Per record, how many blank lines come before it (CSV: empty; NDJSON: maybe white space).</param>
public sealed record FileLayout(
    bool Csv,
    bool Gzip,
    bool Bom,
    string LineEnding,
    bool FinalLineEnding,
    IReadOnlyList<int> ColumnOrder,
    IReadOnlyList<string> ExtraColumns,
    bool QuoteAll,
    bool NullLiteral,
    bool EscapeNonAscii,
    IReadOnlyList<int> BlankLinesBefore)
{
    public string FileName(ExportEntity entity) => ExportColumns.Name(entity) + (Csv ? ".csv" : ".ndjson") + (Gzip ? ".gz" : "");

    /// <summary>A plain CSV file with the columns in the spec's order.</summary>
    public static FileLayout PlainCsv(ExportEntity entity, int records) => new(
        true, false, false, "\n", true, [.. Enumerable.Range(0, ExportColumns.Of(entity).Count)], [], false, false, false, new int[records]);

    /// <summary>A plain NDJSON file with the keys in the spec's order.</summary>
    public static FileLayout PlainNdjson(ExportEntity entity, int records) => PlainCsv(entity, records) with { Csv = false };
}

/// <summary>One entity's records and how its file is written.</summary>
public sealed record EntityFile(ExportEntity Entity, IReadOnlyList<ExportRecord> Records, FileLayout Layout)
{
    public string FileName => Layout.FileName(Entity);

    public override string ToString() => $"{FileName}: {Records.Count} records\n  " + string.Join("\n  ", Records);
}

/// <summary>A file as written: its bytes on disk and the line each record starts on.</summary>
public sealed record WrittenFile(string FileName, byte[] Bytes, IReadOnlyList<long> Lines);
