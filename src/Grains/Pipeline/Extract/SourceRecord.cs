using System;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>The structural outcome of reading one record (rules 1-2 of the legacy-export spec).</summary>
public enum RecordProblem
{
    /// <summary>The record was read; its values are in <see cref="SourceRecord.Values"/>.</summary>
    None = 0,

    /// <summary>The bytes of the record (all physical lines it spans) are not valid UTF-8: <c>invalid_encoding</c>.</summary>
    InvalidEncoding = 1,

    /// <summary>The record cannot be parsed (CSV quoting, field count; NDJSON not a JSON object): <c>malformed_row</c>.</summary>
    MalformedRow = 2,
}

/// <summary>
/// One record of an entity file.
/// </summary>
/// <param name="Line">1-based physical line where the record starts (the CSV header is line 1). CRLF, LF and CR each end one line.</param>
/// <param name="Problem"><see cref="RecordProblem.None"/>, or why the record is rejected before any field check.</param>
/// <param name="Values">
/// Indexed like <see cref="Schema.EntitySchema.Columns"/>. <c>null</c> = the column is absent from the file (CSV) or the
/// key is missing / JSON <c>null</c> (NDJSON); otherwise the raw, untrimmed field text. <c>null</c> when
/// <paramref name="Problem"/> is not <see cref="RecordProblem.None"/>.
/// </param>
/// <param name="Detail">For a problem: where and what, for an administrator ("5 fields, but the header has 7",
/// "byte 0xFF at offset 12 of the record, in column 'title'"). Null when there is no problem.</param>
/// <param name="Readable">
/// For an <see cref="RecordProblem.InvalidEncoding"/> record whose structure could still be read (CSV: quoting intact and
/// as many fields as the header; NDJSON: a JSON object): the values whose own bytes are valid UTF-8, others null, indexed
/// like <paramref name="Values"/>. They are never validated; they only let a rejection show the record's key. Null otherwise.
/// </param>
public readonly record struct SourceRecord(long Line, RecordProblem Problem, string?[]? Values, string? Detail = null, string?[]? Readable = null);
