using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdManager.Grains.Secrets;

/// <summary>Secrets from configuration (<c>Secrets:{name}</c>) or from files in <see cref="SecretStoreOptions.Directory"/>.</summary>
public sealed partial class ConfigurationSecretResolver(
    IConfiguration configuration,
    IOptions<SecretStoreOptions> options,
    ILogger<ConfigurationSecretResolver> logger) : ISecretResolver
{
    public const string ConfigurationSection = "Secrets";

    /// <summary>Larger files are not secrets but mistakes (a wrong mount).</summary>
    private const int MaxFileBytes = 64 * 1024;

    // A plain file name: no separators, and no leading dot, which rules out "." and ".." and
    // Kubernetes' own "..data" links beside the secret files.
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public SecretValue Resolve(string name)
    {
        if (!IsValidName(name)) throw new ArgumentException("a secret name is 1-64 of A-Z a-z 0-9 _ . - and does not start with a dot", nameof(name));

        if (configuration.GetSection(ConfigurationSection)[name] is { Length: > 0 } configured)
        {
            Log.Resolved(logger, name, "configuration");
            return new SecretValue(name, configured);
        }

        if (options.Value.Directory is { Length: > 0 } directory)
        {
            var path = Path.Combine(directory, name);
            var file = new FileInfo(path);
            if (file.Exists)
            {
                // A mounted file that is there but unusable says so: "not configured" would send the administrator looking
                // for a file they can see.
                if (file.Length > MaxFileBytes)
                    throw new SecretNotFoundException(name, $"the secret file '{name}' is larger than {MaxFileBytes / 1024} KiB, too large for a connection string");
                // Mounted secrets often end with the newline an editor or `echo` added; it is never part of the value.
                var value = File.ReadAllText(path).TrimEnd('\r', '\n');
                if (value.Length == 0) throw new SecretNotFoundException(name, $"the secret file '{name}' is empty");
                Log.Resolved(logger, name, "file");
                return new SecretValue(name, value);
            }
        }

        Log.Missing(logger, name);
        throw new SecretNotFoundException(name);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Secret {SecretName} resolved from {Origin}")]
        public static partial void Resolved(ILogger logger, string secretName, string origin);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Secret {SecretName} is not configured")]
        public static partial void Missing(ILogger logger, string secretName);
    }
}
