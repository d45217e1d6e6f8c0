using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// The real service (API co-hosting a silo) on the test stack. Each host gets its own Orleans service id,
/// so hosts of different tests never share a stream queue or grain state; a "restarted" host reuses the id.
/// </summary>
public sealed class MigrationHost(TestStack stack, string serviceId, IDictionary<string, string?>? settings = null,
    Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<Program>
{
    public string ServiceId => serviceId;

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
            ["Orleans:SiloPort"] = FreePort().ToString(),
            ["Orleans:GatewayPort"] = FreePort().ToString(),
            ["Jobs:ResumeCheckPeriod"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:AdManager"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        foreach (var (key, value) in values) builder.UseSetting(key, value);
        configure?.Invoke(builder);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
