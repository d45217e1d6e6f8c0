using System;
using System.Collections.Generic;
using System.Linq;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>The CSV side of the reader: the header, then one <see cref="SourceRecord"/> per RFC 4180 record.</summary>
public sealed partial class EntityFileReader
{
    // Header field index -> schema column index, or -1 for an unknown column.
    private readonly int[] _columnOfField = [];

    // Header names as written (trimmed), for details that name a column.
    private string[] _headerNames = [];

    private int[] ReadHeader(CsvScanner csv)
    {
        csv.MaxStoredFields = MaxHeaderColumns;
        if (!csv.Next())
        {
            throw new ExportFileException($"{FileName}: the file is empty; its first line must be the header.");
        }

        var where = $"{FileName}: the header (line {csv.RecordLine})";
        if (csv.InvalidEncoding)
        {
            throw new ExportFileException($"{where} is not valid UTF-8.");
        }

        if (csv.Malformed)
        {
            throw new ExportFileException(csv.UnclosedQuote
                ? $"{where} has a quoted name that is never closed."
                : $"{where} is malformed: a quote inside an unquoted name, or text after a closing quote.");
        }

        if (csv.Overflowed)
        {
            throw new ExportFileException($"{where} is longer than {csv.MaxRecordBytes} bytes.");
        }

        if (csv.FieldCount > MaxHeaderColumns)
        {
            throw new ExportFileException($"{where} has {csv.FieldCount} columns; at most {MaxHeaderColumns} are supported.");
        }

        var map = new int[csv.FieldCount];
        _headerNames = new string[csv.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var name = csv.GetField(i).Trim();
            _headerNames[i] = name;
            map[i] = _schema.IndexOf(name);
            var first = seen.Add(name);
            if (map[i] >= 0 && !first)
            {
                // Two values for one column: which one counts cannot be guessed.
                throw new ExportFileException($"{where} has the column '{Display(name)}' more than once.");
            }

            if (map[i] < 0 && first)
            {
                // Unknown columns are ignored, and listed once however often they appear (",," of spreadsheet exports).
                _warnings.Add($"{FileName}: unknown column '{Display(name)}' ignored");
            }
        }

        var missing = _schema.Columns.Where(c => c.Required && !seen.Contains(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new ExportFileException(
                $"{where} lacks the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        }

        // Data records: positions are needed for the header's fields only; a record with more is malformed anyway.
        csv.MaxStoredFields = map.Length;
        return map;
    }

    private IEnumerable<SourceRecord> ReadCsv(CsvScanner csv)
    {
        var columns = _schema.Columns.Count;
        var map = _columnOfField;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!csv.Next())
            {
                yield break;
            }

            var wellFormed = !csv.Malformed && csv.FieldCount == map.Length;
            if (csv.InvalidEncoding)
            {
                yield return new SourceRecord(csv.RecordLine, RecordProblem.InvalidEncoding, null,
                    InvalidEncodingDetail(csv, wellFormed), wellFormed && !csv.Overflowed ? ReadableFields(csv) : null);
                continue;
            }

            if (!wellFormed)
            {
                yield return new SourceRecord(csv.RecordLine, RecordProblem.MalformedRow, null, MalformedDetail(csv));
                continue;
            }

            if (csv.Overflowed)
            {
                throw TooLarge(csv.RecordLine, csv.MaxRecordBytes);
            }

            var values = new string?[columns];
            for (var i = 0; i < map.Length; i++)
            {
                var column = map[i];
                if (column >= 0)
                {
                    values[column] = csv.GetField(i);
                }
            }

            yield return new SourceRecord(csv.RecordLine, RecordProblem.None, values);
        }
    }

    /// <summary>The values of an invalid_encoding record whose own bytes are UTF-8, so that its key can still be shown.</summary>
    private string?[] ReadableFields(CsvScanner csv)
    {
        var values = new string?[_schema.Columns.Count];
        for (var i = 0; i < _columnOfField.Length; i++)
        {
            if (_columnOfField[i] >= 0)
            {
                values[_columnOfField[i]] = csv.TryGetValidField(i);
            }
        }

        return values;
    }

    private string InvalidEncodingDetail(CsvScanner csv, bool wellFormed)
    {
        var (offset, value) = csv.FirstInvalidByte();
        if (offset < 0)
        {
            return "the record's bytes are not valid UTF-8";
        }

        var field = wellFormed ? csv.FieldAt(offset) : -1;
        var column = field >= 0 ? $", in column '{Display(_headerNames[field])}'" : "";
        return $"the record's bytes are not valid UTF-8: byte 0x{value:X2} at offset {offset} of the record{column}";
    }

    private string MalformedDetail(CsvScanner csv)
    {
        var field = csv.ProblemField;
        return csv.Problem switch
        {
            CsvProblem.QuoteInUnquotedField => $"a quote inside the unquoted {FieldName(field)}",
            CsvProblem.TextAfterClosingQuote => $"text after the closing quote of {FieldName(field)}",
            CsvProblem.UnclosedQuote => $"{FieldName(field)} opens a quote that is never closed, so the record runs to the end of the file",
            _ => $"{csv.FieldCount} field{(csv.FieldCount == 1 ? "" : "s")}, but the header has {_columnOfField.Length}",
        };
    }

    /// <summary><c>field 3 ('title')</c>: 1-based, named after the header when the header has that many columns.</summary>
    private string FieldName(int field) =>
        field >= 1 && field <= _headerNames.Length ? $"field {field} ('{Display(_headerNames[field - 1])}')" : $"field {field}";
}
