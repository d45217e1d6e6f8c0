using System.Globalization;

namespace AdManager.Benchmarks.Product;

/// <summary>
/// Resident memory of the silo processes from <c>/proc/PID/status</c>. The peak (<c>VmHWM</c>) is reset before
/// each run by writing 5 to <c>/proc/PID/clear_refs</c> (Linux), so each run reports its own peak; where that is
/// not allowed, the peak is the highest <c>VmRSS</c> sampled while the run lasted.
/// </summary>
public sealed class SiloMemory(IReadOnlyList<int> pids)
{
    private long _sampledPeakKb;
    private bool _reset;

    public void ResetPeak()
    {
        _sampledPeakKb = 0;
        _reset = true;
        foreach (var pid in pids)
        {
            try
            {
                File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _reset = false;
            }
        }
    }

    public void Sample()
    {
        var total = pids.Sum(pid => Read(pid, "VmRSS:"));
        _sampledPeakKb = Math.Max(_sampledPeakKb, total);
    }

    /// <summary>Peak resident MiB over all silos during the run (summed per process).</summary>
    public double PeakMiB()
    {
        Sample();
        var kb = _reset ? Math.Max(pids.Sum(pid => Read(pid, "VmHWM:")), _sampledPeakKb) : _sampledPeakKb;
        return kb / 1024.0;
    }

    private static long Read(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
