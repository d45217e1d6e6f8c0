using System.Diagnostics;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>Stops and starts the test stack's real servers through <c>scripts/infra.sh</c> (the same code ./test.sh uses).</summary>
public static class Infra
{
    /// <summary>Stops and starts PostgreSQL, then drops the test's own pooled connections, which the restart broke.</summary>
    public static async Task RestartPostgresAsync(TestStack stack)
    {
        await RunAsync("pg-stop");
        await RunAsync("pg-start");
        stack.Db.Clear();
    }

    /// <summary>
    /// Stops PostgreSQL as a crash would and starts it again: crash recovery runs, which empties unlogged tables.
    /// </summary>
    public static async Task CrashAndRestartPostgresAsync(TestStack stack)
    {
        await RunAsync("pg-crash");
        await RunAsync("pg-start");
        stack.Db.Clear();
    }

    /// <summary>Stops PostgreSQL (cleanly); <see cref="StartPostgresAsync"/> brings it back.</summary>
    public static Task StopPostgresAsync() => RunAsync("pg-stop");

    /// <summary>Starts PostgreSQL again, then drops the test's own pooled connections, which the stop broke.</summary>
    public static async Task StartPostgresAsync(TestStack stack)
    {
        await RunAsync("pg-start");
        stack.Db.Clear();
    }

    public static Task StopDynaliteAsync() => RunAsync("dynalite-stop");

    public static Task StartDynaliteAsync() => RunAsync("dynalite-start");

    private static async Task RunAsync(string command)
    {
        var script = Environment.GetEnvironmentVariable("ADMANAGER_TEST_INFRA")
            ?? throw new InvalidOperationException("ADMANAGER_TEST_INFRA is not set: run the tests through ./test.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"infra.sh {command} failed ({process.ExitCode}): {await output}{await errors}");
    }
}
