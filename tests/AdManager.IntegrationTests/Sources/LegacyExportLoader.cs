using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Npgsql;
using NpgsqlTypes;

namespace AdManager.IntegrationTests.Sources;

/// <summary>
/// Fills a legacy schema from an export directory: one table per entity file, the spec's columns as text holding
/// the values exactly as the file reads them (an absent CSV column or NDJSON key is NULL), and a surrogate primary
/// key <c>legacy_row</c> that keeps the file's order. Rows go in backwards with gaps in the key, so only reading in
/// primary-key order and numbering rows by position gives the file's order back.
/// </summary>
public static class LegacyExportLoader
{
    /// <summary>Loads the export; returns, per entity, the file line of each row in primary-key order.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<long>>> LoadAsync(LegacyDatabase db, string schema, string exportDirectory)
    {
        var lines = new Dictionary<string, IReadOnlyList<long>>(StringComparer.Ordinal);
        var files = ExportLayout.Discover(exportDirectory, EntitySchema.All.Select(e => e.DataType).Distinct().ToList());
        foreach (var (kind, path) in files)
        {
            var entity = EntitySchema.For(kind);
            var rows = new List<SourceRecord>();
            using (var reader = EntityFileReader.Open(path, entity))
            {
                foreach (var record in reader.ReadRecords())
                {
                    Assert.True(record.Problem == RecordProblem.None, $"{path} line {record.Line} ({record.Problem}) cannot be a database row");
                    rows.Add(record);
                }
            }

            var columns = string.Join(", ", entity.Columns.Select(c => $"{c.Name} text"));
            await db.ExecAsync($"CREATE TABLE {schema}.{entity.Name} (legacy_row bigint PRIMARY KEY, {columns})");
            await using var connection = await db.Owner.OpenConnectionAsync();
            await using (var copy = await connection.BeginBinaryImportAsync(
                $"COPY {schema}.{entity.Name} (legacy_row, {string.Join(", ", entity.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = rows.Count - 1; i >= 0; i--)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(10L * (i + 1), NpgsqlDbType.Bigint);
                    foreach (var value in rows[i].Values!)
                    {
                        if (value is null) await copy.WriteNullAsync();
                        else await copy.WriteAsync(value, NpgsqlDbType.Text);
                    }
                }
                await copy.CompleteAsync();
            }
            lines[entity.Name] = rows.Select(r => r.Line).ToList();
        }
        return lines;
    }
}
