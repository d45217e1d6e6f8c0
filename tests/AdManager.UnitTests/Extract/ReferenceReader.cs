using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.UnitTests.Extract;

/// <summary>
/// A second, deliberately naive implementation of the extraction rules for differential tests: it works on the whole
/// byte array at once (no buffers, no refills), checks UTF-8 with a throwing decoder instead of <c>Utf8.IsValid</c>, and
/// parses NDJSON with <see cref="JsonDocument"/> instead of <see cref="Utf8JsonReader"/>.
/// </summary>
internal static class ReferenceReader
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What reading should give: records (described as in <see cref="ExtractTestSupport.Describe(SourceRecord)"/>), then maybe a file error.</summary>
    public sealed record Outcome(List<string> Records, bool FileError, List<string> Warnings);

    private sealed class RawCsvRecord
    {
        public long Line;
        public int Start;
        public int End;
        public bool Malformed;
        public List<byte[]> Fields = [];
    }

    private static bool IsValidUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            Strict.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public static int PhysicalLines(byte[] d)
    {
        var lines = 1;
        for (var p = 0; p < d.Length; p++)
        {
            if (d[p] == Lf || (d[p] == Cr && (p + 1 == d.Length || d[p + 1] != Lf)))
            {
                lines++;
            }
        }

        return lines;
    }

    private static int SkipBom(byte[] d) => d.Length >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF ? 3 : 0;

    private static IEnumerable<RawCsvRecord> SplitCsv(byte[] d)
    {
        var n = d.Length;
        var p = SkipBom(d);
        long line = 1;
        while (true)
        {
            while (p < n && (d[p] == Cr || d[p] == Lf))
            {
                p += d[p] == Cr && p + 1 < n && d[p + 1] == Lf ? 2 : 1;
                line++;
            }

            if (p >= n)
            {
                yield break;
            }

            var rec = new RawCsvRecord { Line = line, Start = p };
            var done = false;
            while (!done)
            {
                var cur = new List<byte>();
                if (p >= n)
                {
                    rec.Fields.Add([]);
                    rec.End = p;
                    break;
                }

                if (d[p] == '"')
                {
                    p++;
                    while (true)
                    {
                        if (p >= n)
                        {
                            rec.Malformed = true;
                            rec.End = n;
                            done = true;
                            break;
                        }

                        var b = d[p];
                        if (b == '"')
                        {
                            if (p + 1 < n && d[p + 1] == '"')
                            {
                                cur.Add(b);
                                p += 2;
                                continue;
                            }

                            p++;
                            if (p >= n || d[p] == Cr || d[p] == Lf)
                            {
                                rec.Fields.Add([.. cur]);
                                rec.End = p;
                                done = true;
                            }
                            else if (d[p] == ',')
                            {
                                rec.Fields.Add([.. cur]);
                                p++;
                            }
                            else
                            {
                                rec.Malformed = true;
                                while (p < n && d[p] != Cr && d[p] != Lf)
                                {
                                    p++;
                                }

                                rec.End = p;
                                done = true;
                            }

                            break;
                        }

                        cur.Add(b);
                        p++;
                        if (b == Lf || b == Cr)
                        {
                            line++;
                            if (b == Cr && p < n && d[p] == Lf)
                            {
                                cur.Add(Lf);
                                p++;
                            }
                        }
                    }
                }
                else
                {
                    while (true)
                    {
                        if (p >= n || d[p] == Cr || d[p] == Lf)
                        {
                            rec.Fields.Add([.. cur]);
                            rec.End = p;
                            done = true;
                            break;
                        }

                        if (d[p] == ',')
                        {
                            rec.Fields.Add([.. cur]);
                            p++;
                            break;
                        }

                        if (d[p] == '"')
                        {
                            rec.Malformed = true;
                            while (p < n && d[p] != Cr && d[p] != Lf)
                            {
                                p++;
                            }

                            rec.End = p;
                            done = true;
                            break;
                        }

                        cur.Add(d[p]);
                        p++;
                    }
                }
            }

            if (p < n)
            {
                p += d[p] == Cr && p + 1 < n && d[p + 1] == Lf ? 2 : 1;
                line++;
            }

            yield return rec;
        }
    }

    public static Outcome ReadCsv(byte[] d, EntitySchema schema, int maxRecordBytes)
    {
        var records = new List<string>();
        var warnings = new List<string>();
        var fileError = new Outcome(records, true, warnings);
        using var e = SplitCsv(d).GetEnumerator();
        if (!e.MoveNext())
        {
            return fileError;
        }

        var header = e.Current;
        if (!IsValidUtf8(d.AsSpan(header.Start, header.End - header.Start)) || header.Malformed ||
            header.End - header.Start > maxRecordBytes || header.Fields.Count > EntityFileReader.MaxHeaderColumns)
        {
            return fileError;
        }

        var names = header.Fields.Select(f => Strict.GetString(f).Trim()).ToList();
        var known = names.Where(name => schema.IndexOf(name) >= 0).ToList();
        if (known.Distinct(StringComparer.Ordinal).Count() != known.Count ||
            schema.Columns.Any(c => c.Required && !names.Contains(c.Name, StringComparer.Ordinal)))
        {
            return fileError;
        }

        warnings.AddRange(names.Where(name => schema.IndexOf(name) < 0).Distinct(StringComparer.Ordinal)
            .Select(name => $"unknown column '{EntityFileReader_Display(name)}' ignored"));

        while (e.MoveNext())
        {
            var rec = e.Current;
            if (!IsValidUtf8(d.AsSpan(rec.Start, rec.End - rec.Start)))
            {
                records.Add($"L{rec.Line} invalid_encoding");
            }
            else if (rec.Malformed || rec.Fields.Count != names.Count)
            {
                records.Add($"L{rec.Line} malformed");
            }
            else if (rec.End - rec.Start > maxRecordBytes)
            {
                return fileError;
            }
            else
            {
                var values = new string?[schema.Columns.Count];
                for (var i = 0; i < names.Count; i++)
                {
                    var column = schema.IndexOf(names[i]);
                    if (column >= 0)
                    {
                        values[column] = Strict.GetString(rec.Fields[i]);
                    }
                }

                records.Add(ExtractTestSupport.Describe(new SourceRecord(rec.Line, RecordProblem.None, values)));
            }
        }

        return new Outcome(records, false, warnings);
    }

    public static Outcome ReadNdjson(byte[] d, EntitySchema schema, int maxRecordBytes)
    {
        var records = new List<string>();
        var warnings = new List<string>();
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        var n = d.Length;
        var p = SkipBom(d);
        long line = 1;
        while (p < n)
        {
            var start = p;
            while (p < n && d[p] != Cr && d[p] != Lf)
            {
                p++;
            }

            var end = p;
            var lineNo = line;
            if (p < n)
            {
                p += d[p] == Cr && p + 1 < n && d[p + 1] == Lf ? 2 : 1;
                line++;
            }

            var bytes = d[start..end];
            if (bytes.Length == 0)
            {
                continue;
            }

            if (!IsValidUtf8(bytes))
            {
                records.Add($"L{lineNo} invalid_encoding");
                continue;
            }

            if (bytes.Length > maxRecordBytes)
            {
                return new Outcome(records, true, warnings);
            }

            if (string.IsNullOrWhiteSpace(Strict.GetString(bytes)))
            {
                continue;
            }

            var values = new string?[schema.Columns.Count];
            var newUnknown = new List<string>();
            var ok = true;
            try
            {
                using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 100_000 });
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    ok = false;
                }
                else
                {
                    foreach (var property in doc.RootElement.EnumerateObject())
                    {
                        var column = schema.IndexOf(property.Name);
                        if (column < 0)
                        {
                            newUnknown.Add(property.Name);
                            continue;
                        }

                        var v = property.Value;
                        values[column] = v.ValueKind switch
                        {
                            JsonValueKind.String => v.GetString(),
                            JsonValueKind.Null => null,
                            JsonValueKind.True => "true",
                            JsonValueKind.False => "false",
                            _ => v.GetRawText(),
                        };
                    }
                }
            }
            catch (JsonException)
            {
                ok = false;
            }
            catch (InvalidOperationException)
            {
                ok = false;
            }

            if (!ok)
            {
                records.Add($"L{lineNo} malformed");
                continue;
            }

            foreach (var key in newUnknown.Where(unknown.Add))
            {
                warnings.Add($"unknown key '{EntityFileReader_Display(key)}' ignored");
            }

            records.Add(ExtractTestSupport.Describe(new SourceRecord(lineNo, RecordProblem.None, values)));
        }

        return new Outcome(records, false, warnings);
    }

    /// <summary>How the reader shows a name in a warning (control characters escaped, at most 100 characters).</summary>
    private static string EntityFileReader_Display(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (sb.Length >= 100)
            {
                sb.Append('…');
                break;
            }

            sb.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return sb.ToString();
    }
}
