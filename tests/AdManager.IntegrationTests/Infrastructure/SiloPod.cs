using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// One real silo process (the built <c>AdManager.Api.dll</c>, API co-hosting a silo) in cluster mode on the
/// test stack, the way a pod runs it: JSON console logs, ADO.NET membership, its own HTTP, silo and gateway
/// ports. Silos started with the same <c>clusterId</c> form one cluster. Signals go to this process's PID only.
/// </summary>
public sealed class SiloPod : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private SiloPod(Process process, string name, Uri url)
    {
        _process = process;
        Name = name;
        Url = url;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin());
    }

    public string Name { get; }

    public Uri Url { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Every line the process wrote to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>The JSON log entries so far (lines that are not JSON, such as runtime crash output, are skipped).</summary>
    public IReadOnlyList<JsonObject> LogEntries() => Lines
        .Where(l => l.StartsWith('{'))
        .Select(l => { try { return JsonNode.Parse(l) as JsonObject; } catch (System.Text.Json.JsonException) { return null; } })
        .OfType<JsonObject>()
        .ToList();

    /// <summary>
    /// Membership settings under which a killed silo is declared dead within seconds (1 s probes, 2 missed, one vote),
    /// for tests that kill silos; Orleans' defaults take tens of seconds.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> FastFailureDetection { get; } = new Dictionary<string, string?>
    {
        ["Orleans:Membership:ProbeTimeout"] = "00:00:01",
        ["Orleans:Membership:NumMissedProbesLimit"] = "2",
        ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
        ["Orleans:Membership:TableRefreshTimeout"] = "00:00:02",
        ["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
    };

    /// <summary>Starts a silo and waits until it is ready (see <see cref="WaitReadyAsync"/>).</summary>
    public static async Task<SiloPod> StartReadyAsync(TestStack stack, string clusterId, string name, IDictionary<string, string?>? settings = null)
    {
        var silo = Start(stack, clusterId, name, settings);
        try
        {
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a silo; <paramref name="settings"/> are configuration keys (<c>Jobs:LoadConcurrency</c>) passed as environment variables.</summary>
    public static SiloPod Start(TestStack stack, string clusterId, string name, IDictionary<string, string?>? settings = null)
    {
        var (apiDir, dll) = ApiBuildOutput();
        var port = FreePorts.Next();
        var url = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = apiDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.ToString().TrimEnd('/'));
        var values = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__Postgres"] = stack.PostgresConnectionString,
            ["DynamoDb__ServiceUrl"] = stack.DynamoEndpoint,
            ["DynamoDb__AccessKey"] = "local",
            ["DynamoDb__SecretKey"] = "local",
            ["Orleans__Mode"] = "Cluster",
            ["ORLEANS_SERVICE_ID"] = clusterId,
            ["ORLEANS_CLUSTER_ID"] = clusterId,
            ["POD_NAME"] = name,
            ["POD_IP"] = "127.0.0.1",
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(),
            ["Jobs__ResumeCheckPeriod"] = "00:00:05",
            // The process trusts the tests' signing key; its clients sign in as a platform admin.
            ["Auth__Issuer"] = TestTokens.Issuer,
            ["Auth__Audience"] = TestTokens.Audience,
            ["Auth__SigningKeys__0"] = TestTokens.KeyBase64,
            ["RateLimiting__Submissions__PermitLimit"] = "100000",
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__AdManager"] = "Information",
            ["Logging__LogLevel__Orleans.Runtime.Silo"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        foreach (var (key, value) in values) start.Environment[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloPod(process, name, url);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) silo._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) silo._lines.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200 (silo in the cluster, stores reachable).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} while starting:\n{Tail()}");
            try
            {
                using var response = await Http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} not ready after {timeout}:\n{Tail()}");
    }

    /// <summary>SIGTERM, as the kubelet sends it when a pod is deleted or drained.</summary>
    public void Terminate()
    {
        if (kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGKILL: a crash, no shutdown code runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGKILL, then waits until the process is gone, like a crashed pod: nothing is flushed or handed over.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>The exit code once the process has exited, or a timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} (PID {Pid}) still running {timeout} after the signal:\n{Tail()}");
        }
        return _process.ExitCode;
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int count = 40) => string.Join('\n', Lines.TakeLast(count));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        // The whole output, for a look after a failed run: bin/<configuration>/<framework>/silo-logs/<name>.log.
        var logs = Path.Combine(AppContext.BaseDirectory, "silo-logs");
        Directory.CreateDirectory(logs);
        await File.WriteAllLinesAsync(Path.Combine(logs, $"{Name}.log"), Lines);
    }

    /// <summary>The API's build output of the same configuration as these tests (test.sh builds the solution once).</summary>
    private static (string Directory, string Dll) ApiBuildOutput()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = testDir.Name;
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AdManager.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("AdManager.sln not found above " + AppContext.BaseDirectory);
        var apiDir = Path.Combine(root.FullName, "src", "Api");
        var dll = Path.Combine(apiDir, "bin", configuration, framework, "AdManager.Api.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build the solution ({configuration}) first");
        return (apiDir, dll);
    }


    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
