using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>
/// Seeded random and garbled inputs: the reader must end every one within a time bound, throw nothing but
/// <see cref="ExportFileException"/>, give records with valid increasing lines, and agree with the naive
/// <see cref="ReferenceReader"/> whatever the buffer sizes and the way the stream delivers bytes.
/// </summary>
public class FuzzTests
{
    private static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(10);

    private static readonly byte[] ValidCsv = Bytes(
        "<EF><BB><BF>campaign_id, merchant_id ,date,impressions,clicks,cost,conversions,note\r\n" +
        "c1,m1,2024-03-01,100,10,1.5,,plain\r\n" +
        "\"c,2\",\"m\"\"1\",20240302,7,7,0,3,\"multi\nline\r\nnote\"\n" +
        "c3,m2,2024-03-03,1,0,\"12.000001\",\"\",\u00e9\u00e8\U0001F600\r" +
        "\n" +
        "\"c4\",m2,2024-03-04,5,5,5,5,\"\"\"quoted\"\"\"\n");

    private static readonly byte[] ValidNdjson = Bytes(
        "<EF><BB><BF>{\"campaign_id\":\"c1\",\"merchant_id\":\"m1\",\"date\":\"2024-03-01\",\"impressions\":100,\"clicks\":10,\"cost\":1.5}\r\n" +
        "\r\n" +
        "{\"campaign_id\":\"c\\u002c2\",\"merchant_id\":\" m1 \",\"date\":20240302,\"impressions\":\"7\",\"clicks\":7e0,\"cost\":null,\"x\":[1,{\"y\":2}]}\n" +
        "  \t\n" +
        "{\"campaign_id\":\"\u00e9\U0001F600\",\"conversions\":{\"a\":[true,false,null]},\"note\":\"n\"}\r" +
        "{\"campaign_id\":\"c4\",\"campaign_id\":\"c5\"}\n");

    private static readonly byte[] Alphabet = Bytes(
        "\",,,\r\n\n\"\"ab 0{}[]:\\u\t<80><BF><C3><A9><E2><82><AC><ED><A0><EF><BB><BF><F0><9F><FF><C0><00>" +
        "campaign_id,merchant_id,date,impressions,clicks,cost\n{\"campaign_id\":1e3,\"foo\":null}");

    private static readonly int[] Limits = [EntityFileReader.DefaultMaxRecordBytes, 1, 8, 17, 64, 100];

    [Fact]
    public void Random_bytes_read_as_csv_agree_with_the_reference()
    {
        var rng = new Random(20240301);
        for (var i = 0; i < 1500; i++)
        {
            var body = RandomBytes(rng, rng.Next(0, 120));
            var data = rng.Next(3) == 0 ? body : Bytes(PerfHeader + (rng.Next(2) == 0 ? "\n" : "\r\n")).Concat(body).ToArray();
            Check(data, "csv", rng);
        }
    }

    [Fact]
    public void Random_bytes_read_as_ndjson_agree_with_the_reference()
    {
        var rng = new Random(20240302);
        for (var i = 0; i < 1500; i++)
        {
            Check(RandomBytes(rng, rng.Next(0, 120)), "ndjson", rng);
        }
    }

    [Fact]
    public void Mutated_and_truncated_valid_csv_agrees_with_the_reference()
    {
        var rng = new Random(20240303);
        for (var cut = 0; cut <= ValidCsv.Length; cut++)
        {
            Check(ValidCsv[..cut], "csv", rng);
        }

        for (var i = 0; i < 1500; i++)
        {
            Check(Mutate(ValidCsv, rng), "csv", rng);
        }
    }

    [Fact]
    public void Mutated_and_truncated_valid_ndjson_agrees_with_the_reference()
    {
        var rng = new Random(20240304);
        for (var cut = 0; cut <= ValidNdjson.Length; cut++)
        {
            Check(ValidNdjson[..cut], "ndjson", rng);
        }

        for (var i = 0; i < 1500; i++)
        {
            Check(Mutate(ValidNdjson, rng), "ndjson", rng);
        }
    }

    [Fact]
    public void Garbled_gzip_ends_in_records_or_a_file_error()
    {
        var rng = new Random(20240305);
        for (var i = 0; i < 400; i++)
        {
            var format = i % 2 == 0 ? "csv" : "ndjson";
            var plain = Mutate(format == "csv" ? ValidCsv : ValidNdjson, rng);
            var gz = Gzip(plain);

            // Intact gzip: exactly the plain result.
            Check(plain, format, rng, gzipped: gz);

            // Damaged gzip: only records with sane lines, or a file error.
            var damaged = (byte[])gz.Clone();
            switch (rng.Next(3))
            {
                case 0:
                    damaged = damaged[..rng.Next(damaged.Length)];
                    break;
                case 1 when damaged.Length > 10:
                    damaged[rng.Next(10, damaged.Length)] ^= (byte)rng.Next(1, 256);
                    break;
                default:
                    damaged = [.. damaged, .. RandomBytes(rng, rng.Next(1, 10))];
                    break;
            }

            var (records, _, error) = Run(damaged, $"campaign_performance.{format}.gz", null, null);

            // Damaged data may decompress to other bytes before the CRC check at the member's end fails: no line bound.
            AssertSaneLines(records, null);
            if (!error)
            {
                // A damaged gzip that still reads must have produced exactly the original data.
                Assert.Equal(Describe(ReadAll(plain, $"campaign_performance.{format}", EntitySchema.CampaignPerformance)), Describe(records));
            }
        }
    }

    private static void Check(byte[] data, string format, Random rng, byte[]? gzipped = null)
    {
        var max = Limits[rng.Next(Limits.Length)];
        int? chunk = rng.Next(3) switch
        {
            0 => null,
            1 => rng.Next(1, 5),
            _ => rng.Next(5, 200),
        };

        var expected = format == "csv"
            ? ReferenceReader.ReadCsv(data, EntitySchema.CampaignPerformance, max)
            : ReferenceReader.ReadNdjson(data, EntitySchema.CampaignPerformance, max);

        var name = $"campaign_performance.{format}" + (gzipped is null ? "" : ".gz");
        var (records, warnings, error) = Run(gzipped ?? data, name, max, chunk);

        var context = $"{format} max={max} chunk={chunk} input={Convert.ToHexString(data)}";
        Assert.True(expected.Records.SequenceEqual(records.Select(Describe)), $"records differ: {context}\nexpected: {string.Join(" ; ", expected.Records)}\nactual:   {Describe(records)}");
        Assert.True(expected.FileError == error, $"file error expected={expected.FileError}: {context}");
        Assert.True(
            expected.Warnings.SequenceEqual(warnings.Select(w => w[(name.Length + 2)..])),
            $"warnings differ: {context}\nexpected: {string.Join(" | ", expected.Warnings)}\nactual:   {string.Join(" | ", warnings)}");
        AssertSaneLines(records, data);
    }

    /// <summary>Reads everything, in a task with a time limit; only ExportFileException may come out.</summary>
    private static (List<SourceRecord> Records, List<string> Warnings, bool FileError) Run(byte[] data, string name, int? max, int? chunk)
    {
        var records = new List<SourceRecord>();
        var warnings = new List<string>();
        var error = false;
        var watch = Stopwatch.StartNew();
        var task = Task.Run(() =>
        {
            EntityFileReader? reader = null;
            try
            {
                reader = EntityFileReader.Open(
                    chunk is null ? new MemoryStream(data) : new ChunkedStream(data, chunk.Value),
                    name,
                    EntitySchema.CampaignPerformance,
                    max ?? EntityFileReader.DefaultMaxRecordBytes);
                foreach (var record in reader.ReadRecords())
                {
                    records.Add(record);
                }
            }
            catch (ExportFileException ex)
            {
                Assert.StartsWith(name + ":", ex.Message);
                error = true;
            }
            finally
            {
                warnings.AddRange(reader?.Warnings ?? []);
                reader?.Dispose();
            }
        });

        Assert.True(task.Wait(PerInputLimit), $"reading did not finish within {PerInputLimit}: {name} {Convert.ToHexString(data)}");
        Assert.True(watch.Elapsed < PerInputLimit);
        return (records, warnings, error);
    }

    private static void AssertSaneLines(List<SourceRecord> records, byte[]? plain)
    {
        var lines = plain is null ? long.MaxValue : ReferenceReader.PhysicalLines(plain);
        long previous = 0;
        foreach (var r in records)
        {
            Assert.True(r.Line > previous, "lines increase");
            Assert.True(r.Line <= lines, "line exists");
            Assert.Equal(r.Problem == RecordProblem.None, r.Values is not null);
            if (r.Values is not null)
            {
                Assert.Equal(EntitySchema.CampaignPerformance.Columns.Count, r.Values.Length);
            }

            previous = r.Line;
        }
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = rng.Next(8) == 0 ? (byte)rng.Next(256) : Alphabet[rng.Next(Alphabet.Length)];
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] source, Random rng)
    {
        var data = new List<byte>(source);
        var mutations = rng.Next(1, 6);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var at = rng.Next(data.Count);
            switch (rng.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1:
                    data.Insert(at, Alphabet[rng.Next(Alphabet.Length)]);
                    break;
                case 2:
                    data.RemoveAt(at);
                    break;
                case 3:
                    var length = Math.Min(rng.Next(1, 30), data.Count - at);
                    data.InsertRange(at, data.GetRange(at, length));
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                default:
                    data[at] = Alphabet[rng.Next(Alphabet.Length)];
                    break;
            }
        }

        return [.. data];
    }
}
