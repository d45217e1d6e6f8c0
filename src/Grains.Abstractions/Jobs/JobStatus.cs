namespace AdManager.Grains.Abstractions.Jobs;

/// <summary>Life cycle of a migration job, in the order of the sequence diagram.</summary>
public enum JobStatus
{
    Submitted = 0,
    Extracting = 1,
    Transforming = 2,
    Loading = 3,
    Validating = 4,
    Completed = 5,
    CompletedWithErrors = 6,
    Failed = 7,
    Cancelled = 8,
}

public static class JobStatusExtensions
{
    /// <summary>The status as the API spells it (<c>InProgress:Loading</c>).</summary>
    public static string ToWire(this JobStatus status) => status switch
    {
        JobStatus.Extracting => "InProgress:Extracting",
        JobStatus.Transforming => "InProgress:Transforming",
        JobStatus.Loading => "InProgress:Loading",
        JobStatus.Validating => "InProgress:Validating",
        _ => status.ToString(),
    };

    public static bool TryParseWire(string? text, out JobStatus status)
    {
        foreach (var s in Enum.GetValues<JobStatus>())
        {
            if (string.Equals(s.ToWire(), text, StringComparison.Ordinal))
            {
                status = s;
                return true;
            }
        }
        status = default;
        return false;
    }

    public static bool IsFinal(this JobStatus status) => status >= JobStatus.Completed;

    public static bool IsRunning(this JobStatus status) => status is >= JobStatus.Extracting and <= JobStatus.Validating;

    /// <summary>Ran to its end (<c>Completed</c> or <c>CompletedWithErrors</c>), as against <c>Failed</c> or <c>Cancelled</c>.</summary>
    public static bool IsCompleted(this JobStatus status) => status is JobStatus.Completed or JobStatus.CompletedWithErrors;

    /// <summary>
    /// Whether a job may move from one status to another: forward through the phases, to a final
    /// status from any non-final one (Failed, Cancelled), never out of a final status.
    /// </summary>
    public static bool CanMoveTo(this JobStatus from, JobStatus to)
    {
        if (from.IsFinal()) return false;
        if (to is JobStatus.Failed or JobStatus.Cancelled) return true;
        if (to.IsCompleted()) return from == JobStatus.Validating;
        return to > from;
    }
}
