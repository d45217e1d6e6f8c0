using AdManager.Testing.Exports;
using CsCheck;

namespace AdManager.UnitTests.Conformance;

/// <summary>
/// Generated records written out as CSV and as NDJSON, plain and gzip, and read back through the reader and the record
/// rules: every record comes back with exactly what the spec gives it.
/// </summary>
public sealed class GeneratedRecordPropertyTests
{
    private static readonly IdPools Pools = IdPools.Create("u");

    private static readonly Gen<ExportEntity> Entities = Gen.Enum<ExportEntity>();

    /// <summary>The same records in the four formats, each with the other liberties of its generated layout.</summary>
    private static IEnumerable<FileLayout> FourFormats(FileLayout layout) =>
    [
        layout with { Csv = true, Gzip = false },
        layout with { Csv = true, Gzip = true },
        layout with { Csv = false, Gzip = false, Bom = false },
        layout with { Csv = false, Gzip = true, Bom = false },
    ];

    [Fact]
    public void A_valid_generated_record_reads_back_as_exactly_its_stored_value_from_csv_and_ndjson_plain_and_gzip()
    {
        var gen = Entities.SelectMany(entity => ExportGen.File(entity, RecordGen.Valid(entity, Pools), maxRecords: 6));

        gen.Sample(file =>
        {
            foreach (var layout in FourFormats(file.Layout))
            {
                var (written, outcomes) = ReadBack.RoundTrip(file.Entity, file.Records, layout);

                Assert.Equal(file.Records.Count, outcomes.Count);
                for (var i = 0; i < outcomes.Count; i++)
                {
                    Assert.Equal(written.Lines[i], outcomes[i].Line);
                    Assert.True(outcomes[i].Fate == Grains.Pipeline.Transform.RecordFate.Valid, $"{written.FileName}: {outcomes[i]} {outcomes[i].Detail}");
                    Assert.Equal(file.Records[i].Stored, outcomes[i].Stored);
                }
            }
        }, iter: 150, threads: 1, print: file => file.ToString());
    }

    [Fact]
    public void Every_generated_record_gets_the_reason_line_and_key_the_spec_gives_it_from_csv_and_ndjson()
    {
        var gen =
            from entity in Entities
            from file in ExportGen.File(entity, RecordGen.Any(entity, Pools), maxRecords: 8)
            from scoped in Gen.Bool
            select (file, scoped ? Pools.Merchants.Take(2).ToArray() : []);

        gen.Sample((file, scope) =>
        {
            foreach (var layout in FourFormats(file.Layout))
            {
                var (written, outcomes) = ReadBack.RoundTrip(file.Entity, file.Records, layout, scope);

                var expected = file.Records.Select((record, i) => ReadBack.Expected(record, written.Lines[i], scope));
                Assert.Equal(expected, outcomes.Select(o => o with { Detail = null }));
                Assert.All(outcomes.Where(o => o.Reason is not null), o => Assert.False(string.IsNullOrWhiteSpace(o.Detail)));
            }
        }, iter: 300, threads: 1, print: t => $"{t.Item1}\nscope [{string.Join(", ", t.Item2)}]");
    }
}
