using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// The real service (API co-hosting a silo) on the test stack. Each host gets its own Orleans service id,
/// so hosts of different tests never share a stream queue or grain state; a "restarted" host reuses the id.
/// </summary>
public sealed class MigrationHost(TestStack stack, string serviceId, IDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    private readonly CapturingLoggerProvider _logs = new();

    public string ServiceId => serviceId;

    /// <summary>Every log line the host wrote at Information or above.</summary>
    public IReadOnlyCollection<string> Logs => _logs.Lines;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
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
            ["Orleans:SiloPort"] = FreePort().ToString(),
            ["Orleans:GatewayPort"] = FreePort().ToString(),
            ["Jobs:ResumeCheckPeriod"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:AdManager"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        foreach (var (key, value) in values) builder.UseSetting(key, value);
        if (services is not null) builder.ConfigureTestServices(services);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
