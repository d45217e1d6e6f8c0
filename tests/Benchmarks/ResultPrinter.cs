using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdManager.Benchmarks;

/// <summary>The bench's figures as a plain-text table and as JSON.</summary>
public static class ResultPrinter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(BenchResults r) => JsonSerializer.Serialize(r, Json);

    public static string ToTable(BenchResults r)
    {
        var sb = new StringBuilder();
        var m = r.Machine;
        sb.AppendLine(Inv($"machine: {m.Cores} cores, {m.MemoryGiB} GiB; load average {m.LoadAtStart} at start, {m.LoadAtEnd} at end"));
        sb.AppendLine(Inv($"export: {r.Options.Campaigns:N0} campaigns, {r.Options.Products:N0} products, {r.Options.Performance:N0} performance rows, seed {r.Options.Seed}, batch size {r.Options.BatchSize}"));
        sb.AppendLine();
        sb.AppendLine("| measurement | records | seconds | records/s | peak RSS MiB | note |");
        sb.AppendLine("|---|--:|--:|--:|--:|---|");
        foreach (var raw in new[] { r.RawPostgres, r.RawDynamo, r.Pgloader }.OfType<Raw.RawResult>())
            sb.AppendLine(Inv($"| {raw.Name} | {raw.Records:N0} | {raw.Seconds:0.00} | {raw.PerSecond:N0} | | {raw.Detail} |"));
        foreach (var probe in r.DynamoProbes)
            sb.AppendLine(Inv($"| - probe: {probe.Detail} | {probe.Records:N0} | {probe.Seconds:0.00} | {probe.PerSecond:N0} | | |"));
        foreach (var parse in r.Parse)
            sb.AppendLine(Inv($"| {parse.Name} | {parse.Records:N0} | {parse.Seconds:0.00} | {parse.PerSecond:N0} | | {parse.Detail} |"));
        foreach (var read in r.DynamoReadBack)
            sb.AppendLine(Inv($"| {read.Name} | {read.Records:N0} | {read.Seconds:0.00} | {read.PerSecond:N0} | | {read.Detail} |"));
        if (r.PgloaderNote is { } note) sb.AppendLine($"| pgloader | | | | | {note} |");
        foreach (var p in r.Product)
        {
            var ok = p.ValidationPassed ? "validation passed" : "VALIDATION FAILED";
            var runs = p.RunSeconds is { } seconds ? "; " + Median.Describe(seconds) : "";
            sb.AppendLine(Inv($"| product: {p.Name} export, end to end | {p.Records:N0} | {p.Seconds:0.00} | {p.PerSecond:N0} | {p.PeakRssMiB:0} | {p.Status}, {p.Loaded:N0} loaded, {ok}{runs} |"));
            foreach (var phase in p.Phases)
                sb.AppendLine(Inv($"| - {phase.Phase} | | {phase.Seconds:0.00} | {phase.PerSecond:N0} | | |"));
        }
        if (r.Ratios.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("| ratio | value | goal | met | note |");
            sb.AppendLine("|---|--:|--:|---|---|");
            foreach (var ratio in r.Ratios)
                sb.AppendLine(Inv($"| {ratio.Name} | {Shown(ratio)} | {(ratio.Goal is { } goal ? $"{ratio.Comparison} {goal:0.##}" : "")} | {ratio.Met switch { true => "yes", false => "no", null => "" }} | {ratio.Detail} |"));
        }
        return sb.ToString();
    }

    /// <summary>
    /// A ratio's value to two decimals, or to as many more as it takes for the printed figure to sit on the same side of
    /// its goal as the value: 0.497 against a goal of 0.5 printed as "0.50" beside "no" reads as a contradiction.
    /// </summary>
    public static string Shown(Ratio ratio)
    {
        for (var decimals = 2; ; decimals++)
        {
            var text = ratio.Value.ToString("F" + decimals, CultureInfo.InvariantCulture);
            if (ratio.Goal is null || decimals >= 6 || (ratio with { Value = double.Parse(text, CultureInfo.InvariantCulture) }).Met == ratio.Met) return text;
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
