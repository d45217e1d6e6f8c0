using System.Globalization;
using AdManager.Benchmarks.Product;
using AdManager.Benchmarks.Raw;

namespace AdManager.Benchmarks;

/// <summary>The machine the figures were taken on; the load average tells whether others were busy too.</summary>
public sealed record Machine(int Cores, double MemoryGiB, string LoadAtStart, string LoadAtEnd)
{
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static double TotalMemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kb = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return Math.Round(kb / 1024.0 / 1024.0, 1);
    }
}

/// <summary>The figure of repeated runs: the run of median time (of an even count, the faster of the middle two).</summary>
public static class Median
{
    public static T Of<T>(IReadOnlyList<T> runs, Func<T, double> seconds)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs", nameof(runs));
        return runs.OrderBy(seconds).ElementAt((runs.Count - 1) / 2);
    }

    /// <summary>The figure of timed raw runs: the median one, every run's time (and <paramref name="where"/>) in its detail.</summary>
    public static Raw.RawResult Figure(IReadOnlyList<Raw.RawResult> runs, string? where = null)
    {
        var described = Describe([.. runs.Select(r => r.Seconds)]);
        var detail = string.Join("; ", new[] { described, where }.Where(d => d is not null));
        return Of(runs, r => r.Seconds) with { Detail = detail.Length > 0 ? detail : null };
    }

    /// <summary>The median of ratios that goals bound from below; of an even count, the lower of the middle two.</summary>
    public static double OfRatios(IReadOnlyList<double> ratios)
    {
        if (ratios.Count == 0) throw new ArgumentException("no ratios", nameof(ratios));
        return ratios.Order().ElementAt((ratios.Count - 1) / 2);
    }

    /// <summary>"median of 3: 0.74 / 0.71 / 0.93 s" (in run order), or nothing for a single run.</summary>
    public static string? Describe(IReadOnlyList<double> seconds) => seconds.Count < 2 ? null
        : $"median of {seconds.Count}: {string.Join(" / ", seconds.Select(s => s.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))} s";
}

/// <summary>
/// A product rate against its yardstick, and the goal of issue 5 for that ratio (none for a ratio printed to explain
/// another); how it was taken in <see cref="Detail"/>.
/// </summary>
public sealed record Ratio(string Name, double Value, double? Goal, string Comparison, string? Detail = null)
{
    public bool? Met => Goal is not { } goal ? null : Comparison == "<=" ? Value <= goal : Value >= goal;
}

/// <summary>
/// A yardstick's run (the raw COPY, pgloader, the raw BatchWriteItem) and the product's run right after it, on the same
/// spell of the machine; for the raw BatchWriteItem, also the raw Query read-back of the items it wrote.
/// </summary>
public sealed record SideBySide(RawResult Yardstick, ProductResult Product, RawResult? ReadBack = null)
{
    public double Ratio => Product.PerSecond / Yardstick.PerSecond;

    /// <summary>The items/s of writing the items and then reading every one back, the raw way: what end to end with a full read-back is bounded by.</summary>
    public double? WriteAndReadBackPerSecond => ReadBack is null ? null : Yardstick.Records / (Yardstick.Seconds + ReadBack.Seconds);
}

/// <summary>Everything one bench run measured.</summary>
public sealed record BenchResults(
    DateTimeOffset At,
    Machine Machine,
    BenchOptions Options,
    long ExportRecords,
    RawResult? RawPostgres,
    RawResult? RawDynamo,
    IReadOnlyList<RawResult> DynamoProbes,
    IReadOnlyList<RawResult> DynamoReadBack,
    IReadOnlyList<RawResult> Parse,
    RawResult? Pgloader,
    string? PgloaderNote,
    IReadOnlyList<ProductResult> Product,
    IReadOnlyList<Ratio> Ratios)
{
    /// <summary>
    /// The ratios the goals are about. With runs side by side (<paramref name="rawPairs"/>, <paramref name="pgloaderPairs"/>,
    /// <paramref name="dynamoPairs"/>: two or more), a ratio is the median of the pairs' own ratios, each product run against
    /// the yardstick's run just before it: the pairing is what the interleaving is for, since a ratio of the two medians can
    /// set a raw run from a fast spell against a product run from a slow one. The ratio of the medians stays in the detail.
    /// </summary>
    public static List<Ratio> RatiosOf(RawResult? pg, RawResult? dynamo, RawResult? pgloader, IReadOnlyList<ProductResult> product,
        IReadOnlyList<SideBySide>? rawPairs = null, IReadOnlyList<SideBySide>? pgloaderPairs = null, IReadOnlyList<SideBySide>? dynamoPairs = null)
    {
        var ratios = new List<Ratio>();
        var campaigns = product.FirstOrDefault(p => p.Name == "campaigns");
        var products = product.FirstOrDefault(p => p.Name == "products");
        var tiny = product.FirstOrDefault(p => p.Name == "tiny");
        if (campaigns is not null && pg is not null)
            ratios.Add(Paired("campaigns end to end / raw binary COPY", campaigns.PerSecond / pg.PerSecond, rawPairs, p => p.Ratio, 0.5));
        if (campaigns is not null && pgloader is not null)
            ratios.Add(Paired("campaigns end to end / pgloader", campaigns.PerSecond / pgloader.PerSecond, pgloaderPairs, p => p.Ratio, 4));
        if (products is not null && dynamo is not null)
        {
            // The raw figure is writes only; so is the product's Loading phase. End to end adds the read-back of every
            // item (validation) on the same dynalite, which no write-only figure includes.
            static double? Loading(ProductResult run) => run.Phases.FirstOrDefault(p => p.Phase == "Loading")?.PerSecond;
            if (Loading(products) is { } loading)
            {
                var loadingPairs = dynamoPairs?.Where(p => Loading(p.Product) is not null).ToList();
                ratios.Add(Paired("products Loading phase / raw BatchWriteItem", loading / dynamo.PerSecond, loadingPairs,
                    p => Loading(p.Product)!.Value / p.Yardstick.PerSecond, 0.8));
            }
            // The goal is read on the write path (README, Decisions): with every item read back, end to end is bounded by
            // the store itself below 0.8 (the bound, next), for any loader that verifies what it wrote. Printed, not judged.
            ratios.Add(Paired("products end to end (with read-back) / raw BatchWriteItem", products.PerSecond / dynamo.PerSecond, dynamoPairs, p => p.Ratio, null,
                "no goal: the 0.8 is read on the Loading phase (README, Decisions)"));
            // What bounds end to end on this store: the raw writes then the raw read-back of the same items, with no
            // product in between, against the raw writes alone; and how close the product comes to that bound.
            if (dynamoPairs?.Where(p => p.ReadBack is not null).ToList() is { Count: >= 1 } bound)
            {
                ratios.Add(OfPairs("- bound: raw BatchWriteItem then raw Query read-back / raw BatchWriteItem", bound, Bound));
                ratios.Add(OfPairs("- products end to end / that bound", bound, Reached));
            }
        }
        if (tiny is not null)
            ratios.Add(new Ratio("10-record export, POST to final (s)", tiny.Seconds, 2, "<="));
        return ratios;
    }

    private static double Bound(SideBySide p) => p.WriteAndReadBackPerSecond!.Value / p.Yardstick.PerSecond;

    private static double Reached(SideBySide p) => p.Product.PerSecond / p.WriteAndReadBackPerSecond!.Value;

    /// <summary>A ratio without a goal, printed to explain another: the median of the pairs' own.</summary>
    private static Ratio OfPairs(string name, IReadOnlyList<SideBySide> pairs, Func<SideBySide, double> ratio) =>
        new(name, Median.OfRatios([.. pairs.Select(ratio)]), null, ">=", pairs.Count < 2 ? null : EachPair(pairs, ratio));

    private static Ratio Paired(string name, double ofFigures, IReadOnlyList<SideBySide>? pairs, Func<SideBySide, double> ratio, double? goal,
        string? note = null)
    {
        var prefix = note is null ? "" : note + "; ";
        if (pairs is not { Count: >= 2 }) return new Ratio(name, ofFigures, goal, ">=", note);
        return new Ratio(name, Median.OfRatios([.. pairs.Select(ratio)]), goal, ">=",
            $"{prefix}{EachPair(pairs, ratio)}; of the median runs: {ofFigures.ToString("0.00", CultureInfo.InvariantCulture)}");
    }

    /// <summary>"median of 3 side-by-side pairs: 0.50 / 0.25 / 0.67" (in run order).</summary>
    private static string EachPair(IReadOnlyList<SideBySide> pairs, Func<SideBySide, double> ratio) =>
        $"median of {pairs.Count} side-by-side pairs: {string.Join(" / ", pairs.Select(p => ratio(p).ToString("0.00", CultureInfo.InvariantCulture)))}";
}
