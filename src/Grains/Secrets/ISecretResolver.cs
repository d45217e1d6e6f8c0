namespace AdManager.Grains.Secrets;

/// <summary>
/// Resolves a secret by its name (a job's <c>credentialsRef</c>) on the silo that needs it. Jobs, grain
/// state, stream events, responses and logs only ever carry the name; the value lives in configuration
/// or in a mounted file and exists in memory just while a source uses it.
/// </summary>
/// <remarks>
/// For source implementations (the <c>postgres</c> source): call <see cref="Resolve"/> right before
/// connecting, pass <see cref="SecretValue.Reveal"/> straight to the client library, and never put the
/// value (or an exception message that could contain it) into state, a report, an error or a log.
/// </remarks>
public interface ISecretResolver
{
    /// <summary>
    /// The secret named <paramref name="name"/>: configuration <c>Secrets:{name}</c> (environment
    /// <c>Secrets__{name}</c>) first, then the file <c>{name}</c> in <c>SecretStore:Directory</c> (a mounted
    /// Kubernetes Secret). Throws <see cref="SecretNotFoundException"/> when neither has it.
    /// </summary>
    SecretValue Resolve(string name);
}
