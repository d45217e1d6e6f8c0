using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AdManager.Api.Security;

/// <summary>
/// How bearer tokens are validated. Production names an OIDC <see cref="Authority"/> (issuer and signing
/// keys come from its discovery document); the local stack and the tests configure an
/// <see cref="Issuer"/> and symmetric <see cref="SigningKeys"/> (or a <see cref="SigningKeyFile"/>).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Smallest accepted HMAC key: 256 bits, the size HS256 needs.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>OIDC authority (e.g. <c>https://login.example.com/realms/platform</c>); its discovery document supplies issuer and keys.</summary>
    public string? Authority { get; set; }

    /// <summary>Whether the authority's metadata must be fetched over HTTPS; off only for a local identity provider.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Expected <c>iss</c>; required without an <see cref="Authority"/>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Expected <c>aud</c>: this service.</summary>
    [Required]
    public string Audience { get; set; } = "admanager-migration";

    /// <summary>Base64 HMAC keys (at least 256 bits) that tokens may be signed with; more than one allows rotation.</summary>
    [Redact]
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>A file holding one more base64 key (the local stack's per-data-folder key, never committed).</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The claim carrying roles (<c>roles</c> as in Entra ID; an identity provider may be configured to emit it).</summary>
    [Required]
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Allowed clock difference between the identity provider and this service.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every configured key, decoded; throws <see cref="FormatException"/> naming the bad one (never its value).</summary>
    internal IReadOnlyList<byte[]> DecodeKeys()
    {
        var encoded = SigningKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select((k, i) => (Text: k, Where: $"{Section}:SigningKeys:{i}")).ToList();
        if (!string.IsNullOrWhiteSpace(SigningKeyFile)) encoded.Add((File.ReadAllText(SigningKeyFile), $"{Section}:SigningKeyFile ({SigningKeyFile})"));
        return encoded.Select(k =>
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(k.Text.Trim());
            }
            catch (FormatException)
            {
                throw new FormatException($"{k.Where} is not base64");
            }
            return bytes.Length >= MinKeyBytes ? bytes : throw new FormatException($"{k.Where} is shorter than {MinKeyBytes * 8} bits");
        }).ToList();
    }
}

/// <summary>Fails the start when no way to validate tokens is configured, rather than refusing every request later.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        var hasAuthority = !string.IsNullOrWhiteSpace(options.Authority);
        if (hasAuthority && !Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
            failures.Add($"{AuthOptions.Section}:Authority must be an absolute URL");
        if (!hasAuthority && string.IsNullOrWhiteSpace(options.Issuer))
            failures.Add($"{AuthOptions.Section}:Issuer is required unless {AuthOptions.Section}:Authority is set");
        // Both would validate tokens either way: a shared key beside the identity provider mints admin tokens it never issued.
        if (hasAuthority && (options.SigningKeys.Any(k => !string.IsNullOrWhiteSpace(k)) || !string.IsNullOrWhiteSpace(options.SigningKeyFile)))
            failures.Add($"{AuthOptions.Section}:Authority and symmetric keys ({AuthOptions.Section}:SigningKeys, {AuthOptions.Section}:SigningKeyFile) exclude each other; configure one");
        try
        {
            if (!hasAuthority && options.DecodeKeys().Count == 0)
                failures.Add($"configure {AuthOptions.Section}:Authority (OIDC) or {AuthOptions.Section}:SigningKeys / {AuthOptions.Section}:SigningKeyFile");
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            failures.Add(ex is FormatException ? ex.Message : $"{AuthOptions.Section}:SigningKeyFile cannot be read: {ex.GetType().Name}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
