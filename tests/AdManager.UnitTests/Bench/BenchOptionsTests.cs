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
    public void Each_measurement_is_timed_three_times_unless_told_otherwise()
    {
        Assert.Equal(3, BenchOptions.Parse([]).Repeat);
        Assert.Equal(1, BenchOptions.Parse(["--repeat", "1"]).Repeat);
        Assert.Equal(5, BenchOptions.Parse(["--repeat", "5", "--warmups", "0"]).Repeat);
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

    [Theory]
    [InlineData("--repeat", "0")]
    [InlineData("--warmups")]
    [InlineData("--warmups", "-1")]
    [InlineData("--runs", "tiny,huge")]
    public void A_bad_option_is_refused(params string[] args) =>
        Assert.ThrowsAny<ArgumentException>(() => BenchOptions.Parse(args));
}
