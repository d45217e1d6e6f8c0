using AdManager.Grains.Abstractions.Jobs;

namespace AdManager.UnitTests.Jobs;

public sealed class JobStatusTests
{
    [Theory]
    [InlineData(JobStatus.Submitted, "Submitted")]
    [InlineData(JobStatus.Extracting, "InProgress:Extracting")]
    [InlineData(JobStatus.Transforming, "InProgress:Transforming")]
    [InlineData(JobStatus.Loading, "InProgress:Loading")]
    [InlineData(JobStatus.Validating, "InProgress:Validating")]
    [InlineData(JobStatus.CompletedWithErrors, "CompletedWithErrors")]
    [InlineData(JobStatus.Cancelled, "Cancelled")]
    public void Statuses_are_spelt_as_the_api_says_and_parse_back(JobStatus status, string wire)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.True(JobStatusExtensions.TryParseWire(wire, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("Loading")]
    [InlineData("inprogress:loading")]
    [InlineData("")]
    public void Unknown_spellings_do_not_parse(string wire) => Assert.False(JobStatusExtensions.TryParseWire(wire, out _));

    [Fact]
    public void The_phases_move_forward_in_the_sequence_order()
    {
        JobStatus[] path = [JobStatus.Submitted, JobStatus.Extracting, JobStatus.Transforming, JobStatus.Loading, JobStatus.Validating, JobStatus.Completed];
        for (var i = 0; i + 1 < path.Length; i++) Assert.True(path[i].CanMoveTo(path[i + 1]), $"{path[i]} -> {path[i + 1]}");
        Assert.False(JobStatus.Loading.CanMoveTo(JobStatus.Extracting));
        Assert.False(JobStatus.Transforming.CanMoveTo(JobStatus.Completed));
    }

    [Theory]
    [InlineData(JobStatus.Submitted)]
    [InlineData(JobStatus.Extracting)]
    [InlineData(JobStatus.Loading)]
    public void Any_running_job_may_fail_or_be_cancelled(JobStatus from)
    {
        Assert.True(from.CanMoveTo(JobStatus.Failed));
        Assert.True(from.CanMoveTo(JobStatus.Cancelled));
    }

    [Theory]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.CompletedWithErrors)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Cancelled)]
    public void Nothing_leaves_a_final_status(JobStatus final)
    {
        Assert.True(final.IsFinal());
        Assert.All(Enum.GetValues<JobStatus>(), to => Assert.False(final.CanMoveTo(to)));
    }
}
