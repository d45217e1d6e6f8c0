using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// The real service (API co-hosting a silo) on the test stack. Each host gets its own Orleans service id,
/// so hosts of different tests never share a stream queue or grain state; a "restarted" host reuses the id.
/// It trusts <see cref="TestTokens"/>, and its clients sign in as a platform admin unless a test asks otherwise.
/// </summary>
public sealed class MigrationHost(TestStack stack, string serviceId, IDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null, Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<Program>
{
    public string ServiceId => serviceId;

    /// <summary>What the host logged, at the levels its configuration enables.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A client sending <paramref name="token"/> as its bearer token, or no token when null.</summary>
    public HttpClient CreateClientWithToken(string? token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Admin());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // UseSetting, not ConfigureAppConfiguration: Program reads these while building, before the
        // factory's configuration callbacks would run.
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = stack.PostgresConnectionString,
            ["DynamoDb:ServiceUrl"] = stack.DynamoEndpoint,
            ["DynamoDb:AccessKey"] = "local",
            ["DynamoDb:SecretKey"] = "local",
            ["Orleans:Mode"] = "Local",
            ["Orleans:ServiceId"] = serviceId,
            ["Orleans:ClusterId"] = serviceId,
            ["Orleans:SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePorts.Next().ToString(),
            ["Jobs:ResumeCheckPeriod"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:AdManager"] = "Information",
            ["Auth:Issuer"] = TestTokens.Issuer,
            ["Auth:Audience"] = TestTokens.Audience,
            ["Auth:SigningKeys:0"] = TestTokens.KeyBase64,
            // The suite submits many jobs from one caller; RateLimitTests set their own small limit.
            ["RateLimiting:Submissions:PermitLimit"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        foreach (var (key, value) in values) builder.UseSetting(key, value);
        if (services is not null) builder.ConfigureTestServices(services);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        configure?.Invoke(builder);
    }

}
