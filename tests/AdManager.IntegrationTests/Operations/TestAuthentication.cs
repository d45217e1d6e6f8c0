using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AdManager.IntegrationTests.Operations;

/// <summary>
/// A stand-in authentication scheme: the caller's role comes from the <c>X-Test-Role</c> header, no header
/// means anonymous. Lets the tests pin what the operations endpoints require of a caller, whatever scheme
/// (JWT bearer in the service) produces the principal.
/// </summary>
public sealed class TestAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";
    public const string RoleHeader = "X-Test-Role";

    public static void Add(IServiceCollection services) =>
        services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(SchemeName, _ => { });

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(RoleHeader, out var role)) return Task.FromResult(AuthenticateResult.NoResult());
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "tester"), new Claim(ClaimTypes.Role, role.ToString())], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
