using AdManager.Benchmarks;
using AdManager.Benchmarks.Raw;

namespace AdManager.UnitTests.Bench;

/// <summary>The bench's command line: sizes with suffixes, how many untimed runs come before each timed one, how many are timed and which is the figure.</summary>
public sealed class BenchOptionsTests
{
    [Fact]
    public void Three_untimed_runs_come_before_the_timed_ones_unless_told_otherwise()
    {
        Assert.Equal(3, BenchOptions.Parse([]).Warmups);
        Assert.Equal(0, BenchOptions.Parse(["--warmups", "0"]).Warmups);
        Assert.Equal(3, BenchOptions.Parse(["--campaigns", "5M", "--warmups", "3"]).Warmups);
        Assert.Equal(5_000_000, BenchOptions.Parse(["--campaigns", "5M", "--warmups", "3"]).Campaigns);
    }

    [Fact]
    public void Each_measurement_is_timed_five_times_unless_told_otherwise()
    {
        Assert.Equal(5, BenchOptions.Parse([]).Repeat);
        Assert.Equal(1, BenchOptions.Parse(["--repeat", "1"]).Repeat);
        Assert.Equal(3, BenchOptions.Parse(["--repeat", "3", "--warmups", "0"]).Repeat);
    }

    [Fact]
    public void The_figure_of_repeated_runs_is_the_run_of_median_time()
    {
        Assert.Equal(0.74, Median.Of([0.74, 0.71, 0.93], s => s));
        Assert.Equal(0.74, Median.Of([0.93, 0.71, 0.74, 2.5], s => s));
        Assert.Equal(1.2, Median.Of([1.2], s => s));
        Assert.Equal("median of 3: 0.74 / 0.71 / 0.93 s", Median.Describe([0.74, 0.71, 0.93]));
        Assert.Null(Median.Describe([0.74]));
        var figure = Median.Figure([new("raw", 10, 0.4, "a"), new("raw", 10, 0.3, "b"), new("raw", 10, 0.5, "c")], "beside");
        Assert.Equal((0.4, "median of 3: 0.40 / 0.30 / 0.50 s; beside"), (figure.Seconds, figure.Detail));
    }

    [Fact]
    public void A_campaigns_ratio_taken_side_by_side_is_the_median_of_each_pairs_own_ratio()
    {
        static RawResult Raw(double s) => new("raw", 100, s, null);
        static Benchmarks.Product.ProductResult Run(double s) => new("campaigns", "Completed", 100, 100, s, 1, true, []);
        // A fast raw run beside a slow product run and the other way round: the figures' medians (raw 1 s, product 3 s)
        // come from different pairs.
        List<SideBySide> pairs = [new(Raw(1), Run(2)), new(Raw(1), Run(4)), new(Raw(2), Run(3))];
        var figures = (Raw: Median.Figure([.. pairs.Select(p => p.Yardstick)]), Product: Median.Of([.. pairs.Select(p => p.Product)], r => r.Seconds));

        var paired = BenchResults.RatiosOf(figures.Raw, null, figures.Raw, [figures.Product], pairs, pairs);
        Assert.All(paired.Take(2), r => Assert.Equal(0.5, r.Value, 6));
        Assert.Equal("median of 3 side-by-side pairs: 0.50 / 0.25 / 0.67; of the median runs: 0.33", paired[0].Detail);

        // Without pairs (the yardsticks run apart from the product's runs, or a single run) the figures' ratio it is.
        var apart = BenchResults.RatiosOf(figures.Raw, null, null, [figures.Product], [pairs[0]]);
        Assert.Equal(1 / 3.0, Assert.Single(apart).Value, 6);
        Assert.Null(apart[0].Detail);
        Assert.Equal(0.5, Median.OfRatios([0.6, 0.4, 0.5, 0.7]));
    }

    [Fact]
    public void A_products_ratio_taken_side_by_side_is_the_median_of_each_pairs_own_ratio_for_loading_and_end_to_end()
    {
        static RawResult Write(double s) => new("raw", 100, s, "concurrency 16");
        static Benchmarks.Product.ProductResult Run(double s, double loading) =>
            new("products", "Completed", 100, 100, s, 1, true, [new Benchmarks.Product.PhaseResult("Loading", 1, loading)]);
        // Raw writes at 100, 50 and 100 items/s, each before a products run: Loading 0.60 / 0.90 / 0.95 of its own pair's
        // write, end to end 0.50 / 0.50 / 0.33; the figures (raw 1 s, the product's 3 s run) would say 0.95 and 0.33.
        List<SideBySide> pairs = [new(Write(1), Run(2, 60)), new(Write(2), Run(4, 45)), new(Write(1), Run(3, 95))];
        var raw = Median.Figure([.. pairs.Select(p => p.Yardstick)]);
        var products = Median.Of([.. pairs.Select(p => p.Product)], r => r.Seconds);

        var paired = BenchResults.RatiosOf(null, raw, null, [products], dynamoPairs: pairs);

        Assert.Equal(["products Loading phase / raw BatchWriteItem", "products end to end (with read-back) / raw BatchWriteItem"], paired.Select(r => r.Name));
        Assert.Equal(0.9, paired[0].Value, 6);
        Assert.Equal("median of 3 side-by-side pairs: 0.60 / 0.90 / 0.95; of the median runs: 0.95", paired[0].Detail);
        Assert.Equal(0.5, paired[1].Value, 6);
        Assert.Equal("no goal: the 0.8 is read on the Loading phase (README, Decisions); " +
            "median of 3 side-by-side pairs: 0.50 / 0.50 / 0.33; of the median runs: 0.33", paired[1].Detail);
        // The goal is judged on the write path; end to end is printed beside it, not judged.
        Assert.Equal(0.8, paired[0].Goal);
        Assert.True(paired[0].Met);
        Assert.Null(paired[1].Goal);
        Assert.Null(paired[1].Met);

        // Without pairs the figures' ratios it is.
        var apart = BenchResults.RatiosOf(null, raw, null, [products]);
        Assert.Equal(0.95, apart[0].Value, 6);
        Assert.Equal(1 / 3.0, apart[1].Value, 6);
        Assert.Null(apart[0].Detail);
        Assert.Equal("no goal: the 0.8 is read on the Loading phase (README, Decisions)", apart[1].Detail);
    }

    [Fact]
    public void With_each_raw_writes_read_back_the_bench_prints_the_bound_a_full_read_back_sets_and_how_close_the_product_comes()
    {
        static RawResult Raw(double s) => new("raw", 100, s, "concurrency 16");
        static Benchmarks.Product.ProductResult Run(double s) =>
            new("products", "Completed", 100, 100, s, 1, true, [new Benchmarks.Product.PhaseResult("Loading", 1, 100)]);
        // Writes of 1 s then read-backs of 0.25 s: the store alone reaches 1 / 1.25 = 0.80 of its write rate end to end;
        // the second pair's read-back of 1 s makes it 0.50. Products runs of 2, 2.5 and 2.5 s against 1.25, 2 and 1.25 s.
        List<SideBySide> pairs =
        [
            new(Raw(1), Run(2), Raw(0.25)), new(Raw(1), Run(2.5), Raw(1)), new(Raw(1), Run(2.5), Raw(0.25)),
        ];
        var ratios = BenchResults.RatiosOf(null, Median.Figure([.. pairs.Select(p => p.Yardstick)]), null,
            [Median.Of([.. pairs.Select(p => p.Product)], r => r.Seconds)], dynamoPairs: pairs);

        var bound = Assert.Single(ratios, r => r.Name.StartsWith("- bound:", StringComparison.Ordinal));
        Assert.Equal(0.8, bound.Value, 6);
        Assert.Equal("median of 3 side-by-side pairs: 0.80 / 0.50 / 0.80", bound.Detail);
        Assert.Null(bound.Goal);
        Assert.Null(bound.Met);
        var reached = Assert.Single(ratios, r => r.Name == "- products end to end / that bound");
        Assert.Equal(0.625, reached.Value, 6);
        Assert.Equal("median of 3 side-by-side pairs: 0.63 / 0.80 / 0.50", reached.Detail);
        Assert.Contains("| - bound: raw BatchWriteItem then raw Query read-back / raw BatchWriteItem | 0.80 |  |  |", ResultPrinter.ToTable(
            new BenchResults(DateTimeOffset.UnixEpoch, new Machine(2, 1, "0", "0"), BenchOptions.Parse([]), 0, null, null, [], [], [], null, null, [], ratios)));

        // Without read-backs (products runs with no raw writes beside them) neither row is printed.
        Assert.DoesNotContain(BenchResults.RatiosOf(null, Raw(1), null, [Run(2)], dynamoPairs: [.. pairs.Select(p => p with { ReadBack = null })]),
            r => r.Name.StartsWith("- ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.4971, 0.5, ">=", "0.497")]
    [InlineData(0.49999, 0.5, ">=", "0.49999")]
    [InlineData(0.5049, 0.5, ">=", "0.50")]
    [InlineData(0.6049, 0.5, ">=", "0.60")]
    [InlineData(2.004, 2.0, "<=", "2.004")]
    [InlineData(1.996, 2.0, "<=", "2.00")]
    public void A_ratio_is_printed_to_two_decimals_unless_that_would_put_it_on_the_other_side_of_its_goal(double value, double goal, string comparison, string shown)
    {
        var ratio = new Ratio("r", value, goal, comparison);
        Assert.Equal(shown, ResultPrinter.Shown(ratio));
        Assert.Contains($"| r | {shown} | {comparison} {goal:0.##} | {(ratio.Met == true ? "yes" : "no")} |",
            ResultPrinter.ToTable(new BenchResults(DateTimeOffset.UnixEpoch, new Machine(2, 1, "0", "0"), BenchOptions.Parse([]), 0,
                null, null, [], [], [], null, null, [], [ratio])));
    }

    [Theory]
    [InlineData("--repeat", "0")]
    [InlineData("--warmups")]
    [InlineData("--warmups", "-1")]
    [InlineData("--runs", "tiny,huge")]
    public void A_bad_option_is_refused(params string[] args) =>
        Assert.ThrowsAny<ArgumentException>(() => BenchOptions.Parse(args));
}
