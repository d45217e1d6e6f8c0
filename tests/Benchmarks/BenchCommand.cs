using System.Diagnostics;
using AdManager.Benchmarks.Export;
using AdManager.Benchmarks.Product;
using AdManager.Benchmarks.Raw;

namespace AdManager.Benchmarks;

/// <summary>One bench run: generate, measure the raw limits and the peer, run the product, print and save.</summary>
public static class BenchCommand
{
    private static readonly string[] Campaign = ["CampaignData"];
    private static readonly string[] Catalog = ["ProductCatalogData"];
    private static readonly string[] Both = ["CampaignData", "ProductCatalogData"];

    public static async Task<int> RunAsync(BenchOptions o)
    {
        if (o.GenerateOnly is { } target)
        {
            var written = ExportWriter.Write(target, new ExportRows(o.Seed, new ExportShape("g", o.Campaigns, o.Performance, o.Products)));
            foreach (var w in written) Console.WriteLine($"{w.Path}: {w.Rows:N0} rows ({w.Rejected} to reject, {w.Superseding} superseding), {w.Bytes / 1048576.0:0.0} MiB");
            return 0;
        }
        var stack = StackEnv.Load(o.StackEnv ?? throw new ArgumentException("--stack-env is required (./run.sh bench passes it)"));
        var loadAtStart = Machine.LoadAverage();
        var exports = Path.GetFullPath(Path.Combine(o.OutDir, "exports"));

        // Each export has its own id prefix, so runs never overwrite each other's DynamoDB items.
        var campaigns = new ExportRows(o.Seed, new ExportShape("a", o.Campaigns));
        var products = new ExportRows(o.Seed, new ExportShape("b", 0, 0, o.Products));
        var mixed = new ExportRows(o.Seed, new ExportShape("x", o.Campaigns, o.Performance, o.Products));
        var tiny = new ExportRows(o.Seed, new ExportShape("t", 5, 0, 5, RejectPerMille: 0, SupersedePerMille: 0));
        var clock = Stopwatch.StartNew();
        Generate(exports, "campaigns", campaigns, o.Runs.Contains("campaigns") || o.Pgloader || (o.Raw && o.Campaigns > 0));
        Generate(exports, "products", products, o.Runs.Contains("products") || (o.Raw && o.Products > 0));
        Generate(exports, "mixed", mixed, o.Runs.Contains("mixed"));
        Generate(exports, "tiny", tiny, o.Runs.Contains("tiny"));
        Log($"exports written in {clock.Elapsed.TotalSeconds:0.0} s under {exports}");

        RawResult? rawPg = null, rawDynamo = null, pgloader = null;
        // Every timed measurement (the product's runs too: ProductRun) starts on an idle stack.
        var quiet = new StackQuiet(stack);
        List<RawResult> probes = [], readBack = [], parse = [];
        if (o.Raw && o.Campaigns > 0) parse.Add(RawParse.Run(Path.Combine(exports, "campaigns", "campaigns.csv"), Grains.Pipeline.Schema.EntityKind.Campaigns));
        if (o.Raw && o.Products > 0) parse.Add(RawParse.Run(Path.Combine(exports, "products", "products.csv"), Grains.Pipeline.Schema.EntityKind.Products));
        foreach (var p in parse) Log($"{p.Name}: {p.PerSecond:N0} records/s");
        string? pgloaderNote = null;
        // The raw COPY's timed loads and pgloader's runs alternate with the campaigns runs when those are measured, so that
        // the sides of each ratio meet the same spells of this shared machine (one bench run had the raw COPY at 119,788
        // rows/s and pgloader at 13,559 in its first minutes, and the product at its usual speed after); otherwise they
        // run here, one after another.
        var sideBySide = o.Runs.Contains("campaigns");
        await using var rawCopy = o.Raw && o.Campaigns > 0 ? new RawPostgresCopy(stack.PgNpgsql, campaigns) : null;
        var rawLoads = new List<RawResult>();
        var peer = o.Pgloader && o.Campaigns > 0;
        var peerRuns = new List<RawResult>();
        List<SideBySide> rawPairs = [], peerPairs = [];
        async Task RawLoadAsync()
        {
            await quiet.WaitAsync("the raw COPY");
            rawLoads.Add(await rawCopy!.LoadAsync());
            Log($"raw binary COPY run {rawLoads.Count}: {rawLoads[^1].Seconds:0.00} s, {rawLoads[^1].PerSecond:N0} rows/s");
        }
        async Task PeerRunAsync()
        {
            await quiet.WaitAsync("pgloader");
            var (result, note) = await PgloaderPeer.RunAsync(stack.PgUri, stack.PgNpgsql, Path.Combine(exports, "campaigns", "campaigns.csv"),
                Path.GetFullPath(Path.Combine(o.OutDir, "pgloader")));
            if (result is not null) peerRuns.Add(result);
            else pgloaderNote = note;
            Log(result is null ? note! : $"pgloader{(sideBySide ? $" run {peerRuns.Count}" : "")}: {result.PerSecond:N0} rows/s");
        }
        if (rawCopy is not null)
        {
            await quiet.WaitAsync("the raw COPY");
            for (var i = 0; i < o.Warmups; i++) await rawCopy.LoadAsync();
            for (var i = 0; !sideBySide && i < o.Repeat; i++) await RawLoadAsync();
        }
        if (o.Raw && o.Products > 0)
        {
            await quiet.WaitAsync("the raw BatchWriteItem");
            (rawDynamo, probes, readBack) = await RawDynamoWrite.RunAsync(stack.DynamoEndpoint, products, o.Concurrencies, o.DynamoProbe);
            Log($"raw BatchWriteItem: {rawDynamo.PerSecond:N0} items/s ({rawDynamo.Detail})");
        }
        if (peer && !sideBySide) await PeerRunAsync();

        // The raw BatchWriteItem is timed again at the probes' best concurrency just before each timed products run, as
        // the raw COPY is beside the campaigns runs: the probes ran minutes earlier, and their best is the highest of four.
        var dynamoSideBySide = rawDynamo is not null && o.Runs.Contains("products");
        using var rawDynamoClient = dynamoSideBySide ? RawDynamoWrite.Client(stack.DynamoEndpoint) : null;
        var rawWrites = new List<RawResult>();
        List<SideBySide> dynamoPairs = [];

        var product = new List<ProductResult>();
        var run = new ProductRun(stack, o.BatchSize);
        // The tiny export runs first on a cold silo (JIT, first stream use), then warm, which is the figure.
        // The others run --warmups times untimed first (their first run is kept as "<name>, first run"). Every timed
        // measurement but the cold one is --repeat runs, of which the median is the figure.
        foreach (var (name, dir, types) in new[]
                 {
                     ("tiny-cold", "tiny", Both), ("tiny", "tiny", Both), ("campaigns", "campaigns", Campaign),
                     ("products", "products", Catalog), ("mixed", "mixed", Both),
                 })
        {
            if (!o.Runs.Contains(dir)) continue;
            for (var warmup = 1; dir != "tiny" && warmup <= o.Warmups; warmup++)
            {
                var first = await run.RunAsync($"{name}, first run", Path.Combine(exports, dir), types);
                Log($"{name} warm-up {warmup}: {first.Status} in {first.Seconds:0.00} s (untimed)");
                if (warmup == 1) product.Add(first with { Phases = [] });
            }
            var runs = new List<ProductResult>();
            for (var i = 0; i < (name == "tiny-cold" ? 1 : o.Repeat); i++)
            {
                RawResult? rawBefore = null, peerBefore = null;
                if (sideBySide && name == "campaigns")
                {
                    if (rawCopy is not null)
                    {
                        await RawLoadAsync();
                        rawBefore = rawLoads[^1];
                    }
                    var peerCount = peerRuns.Count;
                    if (peer) await PeerRunAsync();
                    if (peerRuns.Count > peerCount) peerBefore = peerRuns[^1];
                }
                RawResult? writeBefore = null, readBefore = null;
                if (dynamoSideBySide && name == "products")
                {
                    await quiet.WaitAsync("the raw BatchWriteItem");
                    (writeBefore, readBefore) = await RawDynamoWrite.WriteAndReadFreshAsync(rawDynamoClient!, products, RawDynamoWrite.ConcurrencyOf(rawDynamo!));
                    rawWrites.Add(writeBefore);
                    Log($"raw BatchWriteItem run {rawWrites.Count}: {writeBefore.Seconds:0.00} s, {writeBefore.PerSecond:N0} items/s; its Query read-back {readBefore.Seconds:0.00} s");
                }
                var one = await run.RunAsync(name, Path.Combine(exports, dir), types);
                if (rawBefore is not null) rawPairs.Add(new SideBySide(rawBefore, one));
                if (peerBefore is not null) peerPairs.Add(new SideBySide(peerBefore, one));
                if (writeBefore is not null) dynamoPairs.Add(new SideBySide(writeBefore, one, readBefore));
                Log($"{name}{(o.Repeat > 1 && name != "tiny-cold" ? $" run {i + 1}" : "")}: {one.Status} in {one.Seconds:0.00} s, {one.PerSecond:N0} records/s, peak RSS {one.PeakRssMiB:0} MiB");
                runs.Add(one);
            }
            // Every run must have passed validation for the figure to say so.
            var result = Median.Of(runs, r => r.Seconds) with
            {
                PeakRssMiB = runs.Max(r => r.PeakRssMiB),
                ValidationPassed = runs.All(r => r.ValidationPassed),
                RunSeconds = runs.Count > 1 ? [.. runs.Select(r => r.Seconds)] : null,
            };
            product.Add(result);
        }
        var beside = sideBySide ? "each run just before a campaigns run" : null;
        if (rawLoads.Count > 0)
        {
            rawPg = Median.Figure(rawLoads, beside);
            Log($"raw binary COPY: {rawPg.PerSecond:N0} rows/s");
        }
        if (rawWrites.Count > 0)
        {
            rawDynamo = Median.Figure(rawWrites, $"{rawDynamo!.Detail} (the probes' best); each run just before a products run");
            Log($"raw BatchWriteItem: {rawDynamo.PerSecond:N0} items/s");
        }
        if (peerRuns.Count > 0)
        {
            // pgloader's own time is the figure; its wall time including its start stays in each run's detail.
            var wall = string.Join(" / ", peerRuns.Select(r => r.Detail));
            pgloader = peerRuns.Count == 1 ? peerRuns[0] : Median.Figure(peerRuns, beside is null ? wall : $"{beside}; {wall}");
            Log($"pgloader: {pgloader.PerSecond:N0} rows/s");
        }

        var machine = new Machine(Environment.ProcessorCount, Machine.TotalMemoryGiB(), loadAtStart, Machine.LoadAverage());
        var results = new BenchResults(DateTimeOffset.UtcNow, machine, o, campaigns.Shape.Records + products.Shape.Records + mixed.Shape.Records,
            rawPg, rawDynamo, probes, readBack, parse, pgloader, pgloaderNote, product, BenchResults.RatiosOf(rawPg, rawDynamo, pgloader, product, rawPairs, peerPairs, dynamoPairs));
        var table = ResultPrinter.ToTable(results);
        var json = ResultPrinter.ToJson(results);
        Console.WriteLine(table);
        Console.WriteLine(json);
        Directory.CreateDirectory(o.OutDir);
        var file = Path.Combine(o.OutDir, $"bench-{results.At:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(file, json);
        await File.WriteAllTextAsync(Path.Combine(o.OutDir, "latest.json"), json);
        await File.WriteAllTextAsync(Path.Combine(o.OutDir, "latest.md"), table);
        Log($"results: {Path.GetFullPath(file)}");
        return product.All(p => p.ValidationPassed) ? 0 : 1;
    }

    private static void Generate(string root, string name, ExportRows rows, bool wanted)
    {
        if (!wanted) return;
        var dir = Path.Combine(root, name);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        foreach (var w in ExportWriter.Write(dir, rows))
            Log($"{name}/{Path.GetFileName(w.Path)}: {w.Rows:N0} rows ({w.Rejected:N0} to reject, {w.Superseding:N0} superseding), {w.Bytes / 1048576.0:0.0} MiB");
    }

    private static void Log(string message) => Console.Error.WriteLine($"[bench] {message}");
}
