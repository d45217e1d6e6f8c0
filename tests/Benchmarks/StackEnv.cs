namespace AdManager.Benchmarks;

/// <summary>Addresses of the stack <c>./run.sh up</c> started, from its <c>stack.env</c> (shell-quoted assignments).</summary>
public sealed record StackEnv(string ApiUrl, string PgUri, string PgNpgsql, string DynamoEndpoint, string RunDir)
{
    public static StackEnv Load(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var eq = line.IndexOf('=');
            if (line.StartsWith('#') || eq <= 0) continue;
            values[line[..eq]] = Unquote(line[(eq + 1)..]);
        }
        string Get(string key) => values.TryGetValue(key, out var v) ? v : throw new InvalidOperationException($"{path} has no {key}");
        var runDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "run");
        return new StackEnv(Get("API_URL"), Get("PG_CONNECTION"), Get("PG_NPGSQL"), Get("DYNAMODB_ENDPOINT"), runDir);
    }

    /// <summary>The PIDs of the running silos (<c>run/silo-N.pid</c>, first line).</summary>
    public IReadOnlyList<int> SiloPids() =>
        [.. Directory.GetFiles(RunDir, "silo-*.pid").Order(StringComparer.Ordinal).Select(f => int.Parse(File.ReadLines(f).First()))];

    /// <summary>The PIDs of every process of the stack that still runs: PostgreSQL's postmaster, dynalite, the silos.</summary>
    public IReadOnlyCollection<int> ProcessPids() =>
        [.. Directory.GetFiles(RunDir, "*.pid")
            .Select(f => int.TryParse(File.ReadLines(f).FirstOrDefault(), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Directory.Exists($"/proc/{pid}"))];

    // write_stack_env quotes as '...' with ' written as '\''.
    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '\'' && value[^1] == '\''
            ? value[1..^1].Replace("'\\''", "'", StringComparison.Ordinal)
            : value;
}
