namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// A job's staging held fewer rows than it staged: PostgreSQL lost it (unlogged tables come back empty after a crash).
/// Transient: the job returns to its checkpoint, which finds the loss and reads the source again.
/// </summary>
public sealed class StagingLostException(string detail) : Exception($"the job's staging was lost ({detail})");
