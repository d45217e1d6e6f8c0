using AdManager.Grains.Telemetry;

namespace AdManager.UnitTests.Telemetry;

public sealed class LogScopeTests
{
    private static readonly Guid Job = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");

    [Fact]
    public void Job_scope_exposes_job_id_and_the_current_phase_as_fields()
    {
        var scope = new JobLogScope(Job, "Extracting");
        Assert.Equal([new("JobId", Job), new("Phase", "Extracting")], scope.ToList());

        scope.Phase = "Loading";

        Assert.Equal("Loading", scope.Single(p => p.Key == "Phase").Value);
        Assert.Equal($"JobId:{Job} Phase:Loading", scope.ToString());
    }

    [Fact]
    public void Batch_scope_inside_a_job_adds_entity_and_batch_number_and_outside_one_carries_the_job()
    {
        Assert.Equal(["Entity=products", "BatchNo=7"], new BatchLogScope(null, "products", 7).Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(["Entity=products", "BatchNo=7", $"JobId={Job}", "Phase=Loading"],
            new BatchLogScope(Job, "products", 7).Select(p => $"{p.Key}={p.Value}"));
    }
}
