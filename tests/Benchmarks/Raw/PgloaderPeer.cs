using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace AdManager.Benchmarks.Raw;

/// <summary>
/// The peer: pgloader (Debian package) loading the same <c>campaigns.csv</c> into a fresh table of text columns
/// (pgloader neither maps statuses nor converts money to micros, so typed columns would only make it reject
/// rows). The rate is pgloader's own "Total import time"; the wall time including its start is kept too.
/// </summary>
public static partial class PgloaderPeer
{
    private const string Table = "bench_pgloader_campaigns";

    /// <summary>Attempts before the peer is given up (and the bench goes on without it).</summary>
    private const int Attempts = 3;

    /// <summary>
    /// The peer's figure, or none and why: pgloader not installed, or failing every attempt. pgloader 3.6 on SBCL sometimes
    /// dies as it starts ("Failed to start the monitor thread. Invalid index 1 for (SIMPLE-ARRAY (UNSIGNED-BYTE 32) (1))",
    /// dimitri/pgloader#1380, seen here once), so a failed run is tried again.
    /// </summary>
    public static async Task<(RawResult? Result, string? Note)> RunAsync(string pgUri, string pgNpgsql, string csvPath, string workDir)
    {
        if (!File.Exists("/usr/bin/pgloader")) return (null, "pgloader not installed");
        string? failure = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                return (await RunOnceAsync(pgUri, pgNpgsql, csvPath, workDir, attempt), null);
            }
            catch (PgloaderFailedException e)
            {
                failure = e.Message;
                Console.Error.WriteLine($"[bench] pgloader attempt {attempt} of {Attempts} failed: {e.Message}");
            }
        }
        return (null, $"pgloader failed {Attempts} times: {failure}");
    }

    private static async Task<RawResult> RunOnceAsync(string pgUri, string pgNpgsql, string csvPath, string workDir, int attempt)
    {
        Directory.CreateDirectory(workDir);
        var columns = "campaign_id, merchant_id, campaign_name, status, daily_budget, currency, start_date, end_date, targeting_json, last_modified";
        var columnDefs = string.Join(", ", columns.Split(", ").Select(c => c + " text"));
        var loadFile = Path.Combine(workDir, "campaigns.load");
        await File.WriteAllTextAsync(loadFile, $"""
            LOAD CSV
                FROM '{csvPath}' ({columns})
                INTO {pgUri}?tablename={Table}
                WITH skip header = 1,
                     fields optionally enclosed by '"',
                     fields escaped by double-quote,
                     fields terminated by ','
                BEFORE LOAD DO
                    $$ DROP TABLE IF EXISTS {Table}; $$,
                    $$ CREATE TABLE {Table} ({columnDefs}); $$;
            """);
        var start = Stopwatch.StartNew();
        var info = new ProcessStartInfo("/usr/bin/pgloader", ["--no-ssl-cert-verification", loadFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workDir,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var wall = start.Elapsed.TotalSeconds;
        var output = await stdout + await stderr;
        var log = Path.Combine(workDir, attempt == 1 ? "pgloader.log" : $"pgloader-{attempt}.log");
        await File.WriteAllTextAsync(log, output);
        if (process.ExitCode != 0)
        {
            var first = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal));
            throw new PgloaderFailedException($"exited with {process.ExitCode}{(first is null ? "" : $" ({first})")}; see {log}");
        }

        await using var dataSource = NpgsqlDataSource.Create(pgNpgsql);
        await using var count = dataSource.CreateCommand($"SELECT count(*) FROM {Table}");
        var rows = (long)(await count.ExecuteScalarAsync())!;
        await RawPostgresCopy.ExecAsync(dataSource, $"DROP TABLE {Table}");
        var own = TotalImportTime().Match(output) is { Success: true } m ? Seconds(m.Groups[1].Value) : wall;
        return new RawResult("pgloader CSV -> PostgreSQL (peer)", rows, own, $"wall {wall:0.0} s incl. start");
    }

    // "Total import time  ✓  50000  9.9 MB  3.512s" (or "1m2.345s").
    [GeneratedRegex(@"Total import time.*?\s((?:\d+m)?\d+\.\d+s)\s*$", RegexOptions.Multiline)]
    private static partial Regex TotalImportTime();

    private static double Seconds(string text)
    {
        var minutes = 0.0;
        var m = text.IndexOf('m');
        if (m > 0)
        {
            minutes = double.Parse(text[..m], CultureInfo.InvariantCulture);
            text = text[(m + 1)..];
        }
        return minutes * 60 + double.Parse(text.TrimEnd('s'), CultureInfo.InvariantCulture);
    }
}

/// <summary>A pgloader run that exited with an error.</summary>
public sealed class PgloaderFailedException(string message) : Exception(message);
