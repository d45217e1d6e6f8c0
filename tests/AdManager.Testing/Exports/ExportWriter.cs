using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AdManager.Testing.Exports;

/// <summary>
/// Writes entity files the way a legacy system could, within the spec: CSV (RFC 4180) or NDJSON, plain or gzip, and
/// counts the physical line each record starts on (CRLF, LF and CR each end one line).
/// </summary>
public static class ExportWriter
{
    private static readonly byte[][] NotUtf8 =
    [
        [0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFE, 0xFE],
    ];


    public static WrittenFile Write(EntityFile file)
    {
        var (bytes, lines) = file.Layout.Csv ? Csv(file) : Ndjson(file);
        return new WrittenFile(file.FileName, file.Layout.Gzip ? Gzip(bytes) : bytes, lines);
    }

    /// <summary>One gzip member; for no data the 20-byte member <c>gzip &lt; /dev/null</c> writes (GZipStream writes nothing).</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        }

        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(bytes);
        }

        return ms.ToArray();
    }

    private static (byte[] Bytes, long[] Lines) Csv(EntityFile file)
    {
        var layout = file.Layout;
        var columns = ExportColumns.Of(file.Entity);
        var output = new MemoryStream();
        var line = 1L;
        if (layout.Bom)
        {
            output.Write([0xEF, 0xBB, 0xBF]);
        }

        var header = layout.ColumnOrder.Select(i => i < columns.Count ? columns[i] : layout.ExtraColumns[i - columns.Count]);
        Append(output, string.Join(",", header.Select(h => CsvField(h, layout.QuoteAll))) + layout.LineEnding, ref line);
        var lines = new long[file.Records.Count];
        for (var r = 0; r < file.Records.Count; r++)
        {
            var record = file.Records[r];
            for (var b = 0; b < layout.BlankLinesBefore[r]; b++)
            {
                Append(output, layout.LineEnding, ref line);
            }

            lines[r] = line;
            var fields = new List<byte[]>();
            foreach (var i in layout.ColumnOrder)
            {
                var text = i < columns.Count ? record.Cells[i].Text ?? "" : $"note {r}, \"{i}\"";
                var field = Encoding.UTF8.GetBytes(CsvField(text, layout.QuoteAll));
                if (record.Damage == Damage.InvalidEncoding && i == ExportColumns.IndexOf(file.Entity, RecordGen.DamageColumn(file.Entity)))
                {
                    // Inside the field's content, before a closing quote if there is one.
                    var at = field[^1] == (byte)'"' ? field.Length - 1 : field.Length;
                    field = [.. field[..at], .. NotUtf8[record.DamageVariant % NotUtf8.Length], .. field[at..]];
                }

                fields.Add(field);
            }

            if (record.Damage == Damage.Malformed)
            {
                // One line each: the record must end at its own line break, not swallow the next ones.
                switch (record.DamageVariant % 4)
                {
                    case 0: fields.Add("extra"u8.ToArray()); break;
                    case 1: fields.Add("\"a\"b"u8.ToArray()); break;
                    case 2: fields.Add("ab\"c"u8.ToArray()); break;
                    default: fields.RemoveAt(fields.Count - 1); break;
                }
            }

            var bytes = Join(fields);

            line += LineBreaks(bytes);
            output.Write(bytes);
            if (r < file.Records.Count - 1 || layout.FinalLineEnding)
            {
                Append(output, layout.LineEnding, ref line);
            }
        }

        return (output.ToArray(), lines);
    }

    private static string CsvField(string text, bool quoteAll) =>
        quoteAll || text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    private static (byte[] Bytes, long[] Lines) Ndjson(EntityFile file)
    {
        var layout = file.Layout;
        var columns = ExportColumns.Of(file.Entity);
        var encoder = layout.EscapeNonAscii ? JavaScriptEncoder.Default : JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        string Json(string text) => "\"" + JsonEncodedText.Encode(text, encoder) + "\"";
        var output = new MemoryStream();
        var line = 1L;
        var lines = new long[file.Records.Count];
        for (var r = 0; r < file.Records.Count; r++)
        {
            var record = file.Records[r];
            for (var b = 0; b < layout.BlankLinesBefore[r]; b++)
            {
                Append(output, (b % 2 == 0 ? "" : " \t ") + layout.LineEnding, ref line);
            }

            lines[r] = line;
            var members = new List<byte[]>();
            foreach (var i in layout.ColumnOrder.Where(i => i < columns.Count))
            {
                var cell = record.Cells[i];
                if (cell.Text is null && !layout.NullLiteral)
                {
                    continue;
                }

                var value = Encoding.UTF8.GetBytes(cell.Text is null ? "null" : cell.JsonNumber || cell.JsonRaw ? cell.Text : Json(cell.Text));
                if (record.Damage == Damage.InvalidEncoding && columns[i] == RecordGen.DamageColumn(file.Entity))
                {
                    value = [value[0], .. NotUtf8[record.DamageVariant % NotUtf8.Length], .. value[1..]];
                }

                members.Add([.. Encoding.UTF8.GetBytes(Json(columns[i]) + ":"), .. value]);
            }

            foreach (var (key, value) in record.Extra)
            {
                members.Add(Encoding.UTF8.GetBytes(Json(key) + ":" + Json(value)));
            }

            byte[] bytes = [(byte)'{', .. Join(members), (byte)'}'];
            if (record.Damage == Damage.Malformed)
            {
                bytes = (record.DamageVariant % 4) switch
                {
                    0 => [(byte)'[', .. Join(members), (byte)']'],
                    1 => bytes[..^1],
                    2 => "legacy row"u8.ToArray(),
                    _ => [.. bytes, .. "}"u8],
                };
            }

            output.Write(bytes);
            if (r < file.Records.Count - 1 || layout.FinalLineEnding)
            {
                Append(output, layout.LineEnding, ref line);
            }
        }

        return (output.ToArray(), lines);
    }

    private static byte[] Join(List<byte[]> parts)
    {
        var result = new List<byte>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                result.Add((byte)',');
            }

            result.AddRange(parts[i]);
        }

        return [.. result];
    }

    private static void Append(MemoryStream output, string text, ref long line)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        line += LineBreaks(bytes);
        output.Write(bytes);
    }

    /// <summary>CRLF, LF and CR each end one line.</summary>
    private static long LineBreaks(ReadOnlySpan<byte> bytes)
    {
        long count = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.Length || bytes[i + 1] != '\n')))
            {
                count++;
            }
        }

        return count;
    }
}
