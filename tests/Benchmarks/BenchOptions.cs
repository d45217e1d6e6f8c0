using System.Globalization;

namespace AdManager.Benchmarks;

/// <summary>The command line of <c>./run.sh bench</c>.</summary>
public sealed class BenchOptions
{
    public long Campaigns { get; private set; } = 50_000;
    public long Products { get; private set; } = 20_000;
    public long Performance { get; private set; }
    public ulong Seed { get; private set; } = 42;
    public int BatchSize { get; private set; } = 1000;
    public int[] Concurrencies { get; private set; } = [4, 8, 16, 32];

    /// <summary>Items each concurrency is probed with before the best one writes the whole set.</summary>
    public long DynamoProbe { get; private set; } = 20_000;

    public HashSet<string> Runs { get; private set; } = ["tiny", "campaigns", "products", "mixed"];

    /// <summary>
    /// Untimed runs before the timed ones (the raw COPY, and the campaigns, products and mixed jobs), so a figure is of a
    /// warm stack, not of the first use of a new PostgreSQL backend, untouched shared memory or a silo's GC still sizing
    /// its heaps; the product's first runs are printed too. Three, because a fresh stack reaches its steady state at its
    /// fourth job: 50k campaigns, six jobs in a row, 0.97, 0.75, 0.70, then 0.58-0.67 s, while the first touches of memory
    /// die out (minor page faults per job: PostgreSQL 15,828, 1,752, 286, then 127-387; the silo 6,124, 3,665, 1,771,
    /// then 2-22).
    /// </summary>
    public int Warmups { get; private set; } = 3;

    /// <summary>
    /// Timed runs of each measurement (the raw COPY, and the tiny, campaigns, products and mixed jobs); the figure is the
    /// run of median time, so slow spells of a shared 2-core machine (20-40% on a single run) move no figure unless they
    /// meet most runs. Five: with three, one slow spell on one side of one pair set the campaigns ratio of a whole bench
    /// run (pairs 0.47 / 0.59 / 0.50: 0.50, against 0.59 and 0.77 in runs beside it).
    /// </summary>
    public int Repeat { get; private set; } = 5;
    public bool Raw { get; private set; } = true;
    public bool Pgloader { get; private set; } = true;
    public string? StackEnv { get; private set; }
    public string OutDir { get; private set; } = ".data/bench";

    /// <summary>Only write the export (the campaigns, performance and products given) to this directory.</summary>
    public string? GenerateOnly { get; private set; }

    public const string Usage = """
        AdManager.Benchmarks — ./run.sh bench [options]
          --campaigns N      campaign rows (default 50000)
          --products N       product rows, 1 catalog per 1000 (default 20000)
          --performance N    campaign_performance rows in the mixed export (default 0)
          --seed S           generator seed (default 42)
          --batch-size N     the jobs' batchSize (default 1000)
          --concurrencies L  BatchWriteItem concurrencies probed for the raw DynamoDB limit (default 4,8,16,32)
          --dynamo-probe N   items per probed concurrency (default 20000); the best then writes all products
          --runs L           product runs among tiny,campaigns,products,mixed (default all)
          --warmups N        untimed runs before the timed ones: raw COPY, campaigns, products, mixed (default 3, a
                             fresh stack's steady state; the tiny export has its own cold run)
          --repeat N         timed runs of each of those and of the tiny export; the median run is the figure
                             (default 5; every run's time is printed beside it); the raw COPY's and pgloader's
                             runs alternate with the campaigns runs, whose ratios are then the median of each
                             pair's own; each run starts on an idle stack
          --no-raw           skip the raw store limits; --no-pgloader skips the peer
          --stack-env FILE   the stack to use (run.sh passes it); --out DIR where results go
          --generate DIR     only write the export to DIR and exit
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--campaigns": o.Campaigns = Count(Next()); break;
                case "--products": o.Products = Count(Next()); break;
                case "--performance": o.Performance = Count(Next()); break;
                case "--seed": o.Seed = ulong.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--batch-size": o.BatchSize = (int)Count(Next()); break;
                case "--concurrencies": o.Concurrencies = [.. Next().Split(',').Select(s => (int)Count(s))]; break;
                case "--dynamo-probe": o.DynamoProbe = Count(Next()); break;
                case "--runs": o.Runs = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--warmups": o.Warmups = (int)Count(Next()); break;
                case "--repeat": o.Repeat = (int)Count(Next()); break;
                case "--no-raw": o.Raw = false; break;
                case "--no-pgloader": o.Pgloader = false; break;
                case "--stack-env": o.StackEnv = Next(); break;
                case "--out": o.OutDir = Next(); break;
                case "--generate": o.GenerateOnly = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (o.Repeat < 1) throw new ArgumentException("--repeat must be at least 1");
        var unknown = o.Runs.Except(["tiny", "campaigns", "products", "mixed"]).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown run(s): {string.Join(",", unknown)}");
        return o;
    }

    /// <summary>A count; <c>100k</c>, <c>5M</c> and <c>1_000_000</c> are accepted.</summary>
    private static long Count(string text)
    {
        var t = text.Replace("_", "", StringComparison.Ordinal).Trim();
        var factor = 1L;
        if (t.EndsWith('k') || t.EndsWith('K')) (factor, t) = (1_000, t[..^1]);
        else if (t.EndsWith('M') || t.EndsWith('m')) (factor, t) = (1_000_000, t[..^1]);
        var value = long.Parse(t, CultureInfo.InvariantCulture) * factor;
        return value >= 0 ? value : throw new ArgumentException($"{text} is negative");
    }
}
