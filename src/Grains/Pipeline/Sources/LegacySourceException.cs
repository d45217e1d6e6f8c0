namespace AdManager.Grains.Pipeline.Sources;

/// <summary>
/// The legacy database cannot be used: no secret, no connection, missing tables or columns, a read that failed. The
/// job fails with <see cref="Exception.Message"/>, which is written for an administrator and built by us, never from a
/// driver's text, so it cannot carry credentials. There is deliberately no inner exception to log by accident.
/// </summary>
public sealed class LegacySourceException(string message, bool transient = false) : Exception(message)
{
    /// <summary>
    /// The session was lost or refused for a passing reason (the server ended it, restarted, had no free slot), after the
    /// connection had worked: the job reads again from a new snapshot, within its retry budget, instead of failing.
    /// </summary>
    public bool Transient { get; } = transient;
}
