using AdManager.Api.Security;

namespace AdManager.IntegrationTests.Security;

/// <summary>What the service refuses to start with (the validator runs at start).</summary>
public sealed class AuthOptionsValidatorTests
{
    private static readonly string Key = Convert.ToBase64String(new byte[32]);

    private static IReadOnlyCollection<string> Failures(AuthOptions options) =>
        new AuthOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void An_authority_or_an_issuer_with_a_key_is_enough()
    {
        Assert.Empty(Failures(new AuthOptions { Authority = "https://login.example.com/realms/platform" }));
        Assert.Empty(Failures(new AuthOptions { Issuer = "local", SigningKeys = [Key] }));
    }

    /// <summary>
    /// A symmetric key beside an OIDC authority would validate tokens too: whoever holds the shared key could mint admin
    /// tokens the identity provider never issued (the base manifest once mapped an optional key into every overlay).
    /// </summary>
    [Fact]
    public void An_authority_and_a_symmetric_key_together_are_refused()
    {
        var failures = Failures(new AuthOptions { Authority = "https://login.example.com/realms/platform", SigningKeys = [Key] });
        Assert.Contains(failures, f => f.Contains("exclude each other", StringComparison.Ordinal));
        Assert.NotEmpty(Failures(new AuthOptions { Authority = "https://login.example.com/realms/platform", SigningKeyFile = "/run/key" }));
    }

    [Fact]
    public void Neither_is_refused() =>
        Assert.Contains(Failures(new AuthOptions()), f => f.Contains("Issuer is required", StringComparison.Ordinal));
}
