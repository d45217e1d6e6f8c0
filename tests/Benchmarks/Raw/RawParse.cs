using System.Diagnostics;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;

namespace AdManager.Benchmarks.Raw;

/// <summary>
/// The client's own ceiling for extraction: the product's reader and record checks over an export file, on one
/// thread, with no database. Extraction cannot go faster than this, whatever the stores do.
/// </summary>
public static class RawParse
{
    /// <summary>Reads the file twice and times the second pass, as the silo's warm-up makes its first job run compiled code.</summary>
    public static RawResult Run(string path, EntityKind kind)
    {
        Pass(path, kind);
        return Pass(path, kind);
    }

    private static RawResult Pass(string path, EntityKind kind)
    {
        var schema = EntitySchema.For(kind);
        var classifier = new RecordClassifier(schema, new HashSet<string>(StringComparer.Ordinal));
        var clock = Stopwatch.StartNew();
        long read = 0, valid = 0;
        using (var source = EntityFileReader.Open(path, schema))
        {
            foreach (var record in source.ReadRecords())
            {
                read++;
                if (classifier.Classify(record).Fate == RecordFate.Valid) valid++;
            }
        }
        clock.Stop();
        return new RawResult($"read + check {Path.GetFileName(path)} (one thread, no database)", read, clock.Elapsed.TotalSeconds, $"{valid:N0} valid");
    }
}
