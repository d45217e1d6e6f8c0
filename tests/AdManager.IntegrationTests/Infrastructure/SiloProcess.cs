using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// A real silo process (the built AdManager.Api.dll, co-hosting the API) in cluster mode on the test
/// stack, so tests can kill it like a crashed pod. Membership settings are shortened so a death is
/// noticed in seconds; its output goes to TestResults/&lt;service&gt;-&lt;name&gt;.log.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private SiloProcess(string name, int httpPort, Process process, StreamWriter log)
    {
        Name = name;
        HttpPort = httpPort;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int HttpPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public bool HasExited => _process.HasExited;

    public static async Task<SiloProcess> StartAsync(TestStack stack, string serviceId, string name, IDictionary<string, string>? settings = null)
    {
        var dll = Environment.GetEnvironmentVariable("ADMANAGER_API_DLL")
            ?? throw new InvalidOperationException("ADMANAGER_API_DLL is not set: run the tests through ./test.sh");
        var httpPort = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{httpPort}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__Postgres"] = stack.PostgresConnectionString,
            ["DynamoDb__ServiceUrl"] = stack.DynamoEndpoint,
            ["DynamoDb__AccessKey"] = "local",
            ["DynamoDb__SecretKey"] = "local",
            ["Orleans__Mode"] = "Cluster",
            ["Orleans__ServiceId"] = serviceId,
            ["Orleans__ClusterId"] = serviceId,
            ["Orleans__SiloName"] = name,
            ["Orleans__SiloPort"] = FreePort().ToString(),
            ["Orleans__GatewayPort"] = FreePort().ToString(),
            ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Orleans__Membership__NumVotesForDeathDeclaration"] = "1",
            ["Orleans__Membership__TableRefreshTimeout"] = "00:00:02",
            ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Jobs__ResumeCheckPeriod"] = "00:00:05",
            // The process trusts the tests' signing key; its clients sign in as a platform admin.
            ["Auth__Issuer"] = TestTokens.Issuer,
            ["Auth__Audience"] = TestTokens.Audience,
            ["Auth__SigningKeys__0"] = TestTokens.KeyBase64,
            ["RateLimiting__Submissions__PermitLimit"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__AdManager"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key] = value;
        foreach (var (key, value) in env) info.Environment[key] = value;

        var results = Path.Combine(AppContext.BaseDirectory, "silo-logs");
        Directory.CreateDirectory(results);
        var log = new StreamWriter(Path.Combine(results, $"{serviceId}-{name}.log"), append: true) { AutoFlush = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(name, httpPort, process, log);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>A client of this silo's API, signed in as a platform admin.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin());
        return client;
    }

    /// <summary>SIGKILL: the process dies at once, like a crashed pod; nothing is flushed or handed over.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"silo {Name} exited with {_process.ExitCode} while starting");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"silo {Name} was not ready within {timeout}");
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        await _log.DisposeAsync();
    }
}
