using System.Text;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Benchmarks.Export;

/// <summary>What was written for one entity.</summary>
public sealed record WrittenEntity(EntityKind Entity, string Path, long Rows, long Rejected, long Superseding, long Bytes);

/// <summary>
/// Writes an export directory: one RFC 4180 CSV per entity that has rows (header in the spec's column
/// order, LF line ends, quotes only where needed), streamed through a buffer so any size fits in flat memory.
/// </summary>
public static class ExportWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static IReadOnlyList<WrittenEntity> Write(string directory, ExportRows rows)
    {
        Directory.CreateDirectory(directory);
        var written = new List<WrittenEntity>();
        foreach (var schema in EntitySchema.All)
        {
            var path = Path.Combine(directory, schema.Name + ".csv");
            File.Delete(path);
            long count = 0, rejected = 0, superseding = 0;
            using (var writer = new StreamWriter(path, Utf8, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 1 << 20 }))
            {
                foreach (var row in rows.Rows(schema.Kind))
                {
                    if (count == 0) WriteLine(writer, schema.Columns.Select(c => c.Name).ToArray());
                    WriteLine(writer, row.Values);
                    count++;
                    if (row.Fate == RowFate.Rejected) rejected++;
                    else if (row.Fate == RowFate.Superseding) superseding++;
                }
            }
            if (count == 0)
            {
                File.Delete(path);
                continue;
            }
            written.Add(new WrittenEntity(schema.Kind, path, count, rejected, superseding, new FileInfo(path).Length));
        }
        return written;
    }

    private static void WriteLine(StreamWriter writer, string?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) writer.Write(',');
            var value = values[i] ?? "";
            if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
            {
                writer.Write(value);
                continue;
            }
            writer.Write('"');
            writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            writer.Write('"');
        }
        writer.Write('\n');
    }
}
