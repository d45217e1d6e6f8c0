using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>Looks up a secret by name on the silo. Jobs only ever carry the name (<c>credentialsRef</c>).</summary>
public interface ISecretResolver
{
    /// <summary>The secret's value, or null when no secret has this name.</summary>
    /// <exception cref="InvalidOperationException">The secret exists but cannot be read (the message names no value).</exception>
    string? Resolve(string name);
}

/// <summary>Where secrets live besides configuration.</summary>
public sealed class SecretsOptions : IValidatableObject
{
    public const string Section = "Secrets";

    /// <summary>
    /// A directory holding one file per secret, named after it (a mounted Kubernetes Secret). Optional; when set it
    /// must be an absolute path.
    /// </summary>
    public string? Directory { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Directory) && !Path.IsPathFullyQualified(Directory))
        {
            yield return new ValidationResult("Secrets:Directory must be an absolute path", [nameof(Directory)]);
        }
    }
}

/// <summary>
/// Resolves a secret from configuration <c>Secrets:&lt;name&gt;</c> (so the environment variable
/// <c>Secrets__&lt;name&gt;</c>) first, then from the file <c>&lt;name&gt;</c> in <see cref="SecretsOptions.Directory"/>.
/// Values are read on every call, so a rotated mounted secret is picked up by the next job; surrounding whitespace
/// (the trailing newline of <c>echo ... &gt; file</c>) is trimmed.
/// </summary>
public sealed class SecretResolver(IConfiguration configuration, IOptions<SecretsOptions> options) : ISecretResolver
{
    public string? Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsPlainName(name)) return null;

        // Secrets:Directory is this resolver's own setting, not a secret.
        if (!string.Equals(name, nameof(SecretsOptions.Directory), StringComparison.OrdinalIgnoreCase)
            && configuration[$"{SecretsOptions.Section}:{name}"] is { } configured
            && !string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }

        var directory = options.Value.Directory;
        if (string.IsNullOrWhiteSpace(directory)) return null;
        var path = Path.Combine(directory, name);
        try
        {
            // Mounted secrets are symbolic links into a "..data" directory; following them is intended.
            if (!File.Exists(path)) return null;
            var value = File.ReadAllText(path).Trim();
            return value.Length == 0 ? null : value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"the secret '{name}' in the secrets directory cannot be read ({ex.GetType().Name})");
        }
    }

    /// <summary>A file name directly inside the directory: no separators, not <c>.</c>/<c>..</c>, not Kubernetes' own <c>..data</c> entries.</summary>
    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 255
        && !name.StartsWith("..", StringComparison.Ordinal)
        && name != "."
        && name.IndexOfAny(['/', '\\', '\0', ':']) < 0;
}
