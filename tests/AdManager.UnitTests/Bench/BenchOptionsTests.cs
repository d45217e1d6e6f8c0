using AdManager.Benchmarks;

namespace AdManager.UnitTests.Bench;

/// <summary>The bench's command line: sizes with suffixes, and how many untimed runs come before each timed one.</summary>
public sealed class BenchOptionsTests
{
    [Fact]
    public void One_untimed_run_comes_before_each_timed_one_unless_told_otherwise()
    {
        Assert.Equal(1, BenchOptions.Parse([]).Warmups);
        Assert.Equal(0, BenchOptions.Parse(["--warmups", "0"]).Warmups);
        Assert.Equal(3, BenchOptions.Parse(["--campaigns", "5M", "--warmups", "3"]).Warmups);
        Assert.Equal(5_000_000, BenchOptions.Parse(["--campaigns", "5M", "--warmups", "3"]).Campaigns);
    }

    [Theory]
    [InlineData("--warmups")]
    [InlineData("--warmups", "-1")]
    [InlineData("--runs", "tiny,huge")]
    public void A_bad_option_is_refused(params string[] args) =>
        Assert.ThrowsAny<ArgumentException>(() => BenchOptions.Parse(args));
}
