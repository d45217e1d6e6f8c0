using System.Globalization;
using AdManager.Benchmarks.Export;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;

namespace AdManager.UnitTests.Bench;

/// <summary>A smoke run of the bench's export generator: deterministic, and each row ends the way it was meant to.</summary>
public sealed class ExportGeneratorTests
{
    private static readonly ExportShape Shape = new("u", Campaigns: 20_000, Performance: 2_000, Products: 20_000);

    [Fact]
    public void The_same_seed_writes_the_same_bytes_and_another_seed_other_bytes()
    {
        var shape = Shape with { Campaigns = 300, Performance = 100, Products = 300 };
        var a = Directory.CreateTempSubdirectory("gen-a-").FullName;
        var b = Directory.CreateTempSubdirectory("gen-b-").FullName;
        var c = Directory.CreateTempSubdirectory("gen-c-").FullName;
        try
        {
            var written = ExportWriter.Write(a, new ExportRows(7, shape));
            ExportWriter.Write(b, new ExportRows(7, shape));
            ExportWriter.Write(c, new ExportRows(8, shape));

            Assert.Equal(["campaigns", "campaign_performance", "catalogs", "products"], written.Select(w => EntitySchema.For(w.Entity).Name));
            foreach (var w in written)
            {
                var name = Path.GetFileName(w.Path);
                Assert.Equal(File.ReadAllBytes(w.Path), File.ReadAllBytes(Path.Combine(b, name)));
                if (w.Entity != EntityKind.Catalogs) Assert.NotEqual(File.ReadAllBytes(w.Path), File.ReadAllBytes(Path.Combine(c, name)));
            }
        }
        finally
        {
            foreach (var dir in new[] { a, b, c }) Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(EntityKind.Campaigns)]
    [InlineData(EntityKind.Products)]
    public void Rows_meant_to_be_rejected_fail_a_field_check_and_the_others_pass(EntityKind entity)
    {
        var rows = new ExportRows(42, Shape).Rows(entity).ToList();

        foreach (var row in rows)
        {
            var passes = entity == EntityKind.Campaigns
                ? RecordRules.TryCampaign(row.Values, out _, out var rejection)
                : RecordRules.TryProduct(row.Values, out _, out rejection);
            Assert.True(passes == (row.Fate != RowFate.Rejected), $"row {row.Row} ({row.Fate}): {rejection.Reason}");
        }
        // About 0.5% each, as the bench promises.
        Assert.InRange(rows.Count(r => r.Fate == RowFate.Rejected), 60, 140);
        Assert.InRange(rows.Count(r => r.Fate == RowFate.Superseding), 60, 140);
    }

    [Fact]
    public void A_superseding_row_repeats_the_key_of_an_earlier_valid_row_with_a_later_instant()
    {
        var rows = new ExportRows(42, Shape).Rows(EntityKind.Products).ToList();
        var first = new Dictionary<(string?, string?), GeneratedRow>();

        foreach (var row in rows)
        {
            var key = (row.Values[1], row.Values[0]);
            if (row.Fate != RowFate.Superseding)
            {
                Assert.True(first.TryAdd(key, row), $"row {row.Row} repeats a key without superseding");
                continue;
            }
            var original = first[key];
            Assert.Equal(RowFate.Valid, original.Fate);
            Assert.True(Instant(row.Values[12]) > Instant(original.Values[12]));
        }
    }

    [Fact]
    public void Values_have_realistic_sizes()
    {
        var rows = new ExportRows(42, Shape);
        var campaigns = rows.Rows(EntityKind.Campaigns).Where(r => r.Fate == RowFate.Valid).ToList();
        var products = rows.Rows(EntityKind.Products).Where(r => r.Fate == RowFate.Valid).ToList();

        Assert.All(campaigns, r => Assert.InRange(r.Values[2]!.Length, 20, 80));
        Assert.All(products, r => Assert.InRange(r.Values[4]!.Length, 0, 500));
        Assert.InRange(products.Average(r => r.Values[4]!.Length), 150, 350);
        Assert.Contains(campaigns, r => r.Values[8]!.StartsWith("{\"geo\"", StringComparison.Ordinal));
        Assert.All(products, r => Assert.StartsWith("https://", r.Values[10]));
    }

    private static DateTimeOffset Instant(string? text) => text!.Length == 19
        ? DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
        : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
