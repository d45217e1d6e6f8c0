using System.ComponentModel.DataAnnotations;

namespace AdManager.Grains.Jobs;

/// <summary>How jobs run.</summary>
public sealed class JobRunOptions
{
    public const string Section = "Jobs";

    /// <summary>Period of the reminder that starts or resumes a job whose event or host was lost (Orleans' minimum is 1 minute).</summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Batches of one job in flight at once.</summary>
    [Range(1, 64)]
    public int LoadConcurrency { get; set; } = 4;
}
