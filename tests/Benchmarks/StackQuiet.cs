using System.Diagnostics;
using System.Globalization;

namespace AdManager.Benchmarks;

/// <summary>
/// Waits, before each timed measurement, until the stack's processes (PostgreSQL's postmaster and its backends and
/// workers, dynalite, the silos) are idle, so a measurement does not share the machine's two cores with the clean-up of
/// the one before it. Measured: dynalite deletes the items of a dropped table in the background (the raw BatchWriteItem
/// step drops five tables of 20,000 items, a product run drops the targets of the run before), and took 10-20% of a
/// core through the campaigns runs that came after, which the raw COPY, measured before any of it, never shared.
/// Idle: under 10% of one core, summed over those processes, for two half-second windows in a row (an idle stack polls
/// its stream queues and its membership: 1-5%).
/// </summary>
public sealed class StackQuiet(StackEnv stack)
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(500);
    private const double IdleCores = 0.10;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Returns how long it waited; after <see cref="Limit"/> it stops waiting and says so.</summary>
    public async Task<TimeSpan> WaitAsync(string before)
    {
        var roots = stack.ProcessPids();
        var clock = Stopwatch.StartNew();
        var quietWindows = 0;
        var last = StackCpu.Ticks(roots);
        var lastAt = clock.Elapsed;
        while (quietWindows < 2)
        {
            if (clock.Elapsed > Limit)
            {
                Console.Error.WriteLine($"[bench] the stack was still busy {Limit.TotalSeconds:0} s later; measuring {before} anyway");
                break;
            }
            await Task.Delay(Window);
            var now = StackCpu.Ticks(roots);
            var at = clock.Elapsed;
            var cores = StackCpu.Cores(now - last, at - lastAt);
            quietWindows = cores < IdleCores ? quietWindows + 1 : 0;
            (last, lastAt) = (now, at);
        }
        return clock.Elapsed;
    }
}

/// <summary>CPU time of processes and their children, from <c>/proc/PID/stat</c> (Linux).</summary>
public static class StackCpu
{
    /// <summary>Clock ticks per second of <c>/proc</c>'s times (USER_HZ: 100 on Linux everywhere).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>User and system clock ticks used so far by <paramref name="roots"/> and their direct children.</summary>
    public static long Ticks(IReadOnlyCollection<int> roots)
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // pid (comm) state ppid ... utime stime: comm may hold spaces and parentheses, so fields count from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ppid = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!roots.Contains(pid) && !roots.Contains(ppid)) continue;
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return ticks;
    }

    /// <summary>Cores kept busy on average: <paramref name="ticks"/> of CPU over <paramref name="elapsed"/>.</summary>
    public static double Cores(long ticks, TimeSpan elapsed) =>
        elapsed > TimeSpan.Zero ? ticks / TicksPerSecond / elapsed.TotalSeconds : 0;
}
