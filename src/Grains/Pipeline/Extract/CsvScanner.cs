using System;
using System.Buffers;
using System.IO;
using System.Text;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>
/// RFC 4180 record scanner working on bytes (quotes, commas, CR and LF are ASCII, so record boundaries are found even when
/// the record holds bytes that are not UTF-8). Fields are decoded only on demand, after the record's bytes validated.
/// </summary>
/// <remarks>
/// Structure rules (spec, "CSV structure"): a quoted field may hold commas, <c>""</c> and line breaks; a <c>"</c> inside an
/// unquoted field, or anything but a comma or a line break after a closing quote, makes the record malformed, and such a
/// record ends at its next line break (quotes no longer count); a quoted field never closed makes everything to the end of
/// the data one malformed record. Empty lines between records are skipped (they still count as physical lines).
/// </remarks>
internal sealed class CsvScanner : RecordScanner
{
    private const byte Quote = (byte)'"';
    private const byte Comma = (byte)',';

    private static readonly SearchValues<byte> UnquotedStops = SearchValues.Create(",\"\r\n"u8);
    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\"\r\n"u8);
    private static readonly SearchValues<byte> LineStops = SearchValues.Create("\r\n"u8);

    // Per field of the current record, relative to RecStart: content start, content end, and whether it holds "" pairs.
    private int[] _starts = new int[16];
    private int[] _ends = new int[16];
    private bool[] _escaped = new bool[16];
    private byte[] _scratch = [];

    public CsvScanner(Stream stream, string fileName, int maxRecordBytes)
        : base(stream, fileName, maxRecordBytes)
    {
    }

    /// <summary>Fields of the current record, counted even past <see cref="MaxStoredFields"/>.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The current record breaks the quoting rules (unclosed quote, quote in unquoted field, text after closing quote).</summary>
    public bool Malformed { get; private set; }

    /// <summary>The current record reached the end of the data inside a quoted field.</summary>
    public bool UnclosedQuote => Problem == CsvProblem.UnclosedQuote;

    /// <summary>Which quoting rule the current record breaks (<see cref="CsvProblem.None"/> when it is not malformed).</summary>
    public CsvProblem Problem { get; private set; }

    /// <summary>1-based index of the field where the quoting rule was broken (0 when <see cref="Malformed"/> is false).</summary>
    public int ProblemField { get; private set; }

    /// <summary>Positions are kept for this many fields per record; further fields are only counted.</summary>
    public int MaxStoredFields { get; set; } = int.MaxValue;

    /// <summary>Scans the next record. Returns false at end of data.</summary>
    public bool Next()
    {
        if (!BeginRecord())
        {
            return false;
        }

        FieldCount = 0;
        Malformed = false;
        Problem = CsvProblem.None;
        ProblemField = 0;

        while (true)
        {
            // At the start of a field.
            if (Pos == End && !Fill())
            {
                AddField(Pos - RecStart, Pos - RecStart, false);
                EndRecord(Pos, atLineBreak: false);
                return true;
            }

            if (Buf[Pos] == Quote)
            {
                Pos++;
                if (ScanQuotedField())
                {
                    return true;
                }
            }
            else if (ScanUnquotedField())
            {
                return true;
            }
        }
    }

    /// <summary>Scans an unquoted field from <see cref="RecordScanner.Pos"/>. Returns true when the record ended.</summary>
    private bool ScanUnquotedField()
    {
        var startRel = Pos - RecStart;
        while (true)
        {
            var i = Buf.AsSpan(Pos, End - Pos).IndexOfAny(UnquotedStops);
            if (i < 0)
            {
                Pos = End;
                if (!Fill())
                {
                    AddField(startRel, Pos - RecStart, false);
                    EndRecord(Pos, atLineBreak: false);
                    return true;
                }

                continue;
            }

            Pos += i;
            var b = Buf[Pos];
            if (b == Comma)
            {
                AddField(startRel, Pos - RecStart, false);
                Pos++;
                return false;
            }

            if (b == Quote)
            {
                SkipMalformedRest(CsvProblem.QuoteInUnquotedField);
                return true;
            }

            AddField(startRel, Pos - RecStart, false);
            EndRecord(Pos, atLineBreak: true);
            return true;
        }
    }

    /// <summary>Scans a quoted field; <see cref="RecordScanner.Pos"/> is just after the opening quote. Returns true when the record ended.</summary>
    private bool ScanQuotedField()
    {
        var startRel = Pos - RecStart;
        var escaped = false;
        while (true)
        {
            var i = Buf.AsSpan(Pos, End - Pos).IndexOfAny(QuotedStops);
            if (i < 0)
            {
                Pos = End;
                if (!Fill())
                {
                    MarkMalformed(CsvProblem.UnclosedQuote);
                    EndRecord(Pos, atLineBreak: false);
                    return true;
                }

                continue;
            }

            Pos += i;
            if (Buf[Pos] != Quote)
            {
                ConsumeLineBreakInRecord();
                continue;
            }

            // A quote: either the first of a "" pair, or the closing quote.
            Pos++;
            if (Pos == End && !Fill())
            {
                AddField(startRel, Pos - 1 - RecStart, escaped);
                EndRecord(Pos, atLineBreak: false);
                return true;
            }

            var b = Buf[Pos];
            if (b == Quote)
            {
                escaped = true;
                Pos++;
                continue;
            }

            if (b == Comma)
            {
                AddField(startRel, Pos - 1 - RecStart, escaped);
                Pos++;
                return false;
            }

            if (b == Cr || b == Lf)
            {
                AddField(startRel, Pos - 1 - RecStart, escaped);
                EndRecord(Pos, atLineBreak: true);
                return true;
            }

            // Text after the closing quote.
            SkipMalformedRest(CsvProblem.TextAfterClosingQuote);
            return true;
        }
    }

    /// <summary>The record is malformed: it ends at the next line break (or the end of the data), whatever the quotes.</summary>
    private void SkipMalformedRest(CsvProblem problem)
    {
        MarkMalformed(problem);
        while (true)
        {
            var i = Buf.AsSpan(Pos, End - Pos).IndexOfAny(LineStops);
            if (i >= 0)
            {
                Pos += i;
                EndRecord(Pos, atLineBreak: true);
                return;
            }

            Pos = End;
            if (!Fill())
            {
                EndRecord(Pos, atLineBreak: false);
                return;
            }
        }
    }

    /// <summary>The field being scanned (the one after the <see cref="FieldCount"/> finished ones) breaks a quoting rule.</summary>
    private void MarkMalformed(CsvProblem problem)
    {
        Malformed = true;
        Problem = problem;
        ProblemField = FieldCount + 1;
    }

    private void AddField(int startRel, int endRel, bool escaped)
    {
        var index = FieldCount;
        FieldCount++;
        if (index >= MaxStoredFields)
        {
            return;
        }

        if (index == _starts.Length)
        {
            var size = (int)Math.Min(_starts.Length * 2L, Math.Max(MaxStoredFields, 16));
            Array.Resize(ref _starts, size);
            Array.Resize(ref _ends, size);
            Array.Resize(ref _escaped, size);
        }

        _starts[index] = startRel;
        _ends[index] = endRel;
        _escaped[index] = escaped;
    }

    /// <summary>
    /// Decodes field <paramref name="index"/> of the current record. Only for a record that is not malformed, has valid
    /// UTF-8, did not overflow, and has the field stored.
    /// </summary>
    public string GetField(int index)
    {
        var span = Buf.AsSpan(RecStart + _starts[index], _ends[index] - _starts[index]);
        if (span.IsEmpty)
        {
            return string.Empty;
        }

        if (!_escaped[index])
        {
            return Encoding.UTF8.GetString(span);
        }

        if (_scratch.Length < span.Length)
        {
            _scratch = new byte[Math.Max(span.Length, 256)];
        }

        // Inside a quoted field every quote is doubled: keep one of each pair.
        var n = 0;
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            _scratch[n++] = b;
            if (b == Quote)
            {
                i++;
            }
        }

        return Encoding.UTF8.GetString(_scratch, 0, n);
    }

    /// <summary>
    /// Field <paramref name="index"/> of a record that is not malformed and did not overflow but may hold bytes that are
    /// not UTF-8: the field's text when its own bytes are valid UTF-8, else null.
    /// </summary>
    public string? TryGetValidField(int index)
    {
        var span = Buf.AsSpan(RecStart + _starts[index], _ends[index] - _starts[index]);
        return System.Text.Unicode.Utf8.IsValid(span) ? GetField(index) : null;
    }

    /// <summary>
    /// The stored field (0-based) whose content holds the byte at <paramref name="offset"/> of the record, or -1.
    /// </summary>
    public int FieldAt(int offset)
    {
        var stored = Math.Min(FieldCount, MaxStoredFields);
        for (var i = 0; i < stored; i++)
        {
            if (offset >= _starts[i] && offset < _ends[i])
            {
                return i;
            }
        }

        return -1;
    }
}
