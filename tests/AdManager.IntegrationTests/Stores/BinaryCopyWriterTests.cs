using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;
using CsCheck;
using Npgsql;
using NpgsqlTypes;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// The staging COPY encoder against Npgsql's own, on the real server: the same rows written through both land as
/// the same values, edge cases included (uuids, NULLs, every plane of text, JSON, dates and instants at and around the
/// epochs and near the ends of their ranges, sub-microsecond ticks, a value larger than the encoder's buffer). The ends
/// themselves are where the two differ on purpose: they land as the real first and last dates, never as infinities.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class BinaryCopyWriterTests(TestStack stack) : IAsyncLifetime
{
    private readonly string _ours = "bcw_ours_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _npgsql = "bcw_npgsql_" + Guid.NewGuid().ToString("N")[..12];
    private const string Columns = "t text, tn text, c char(3), j jsonb, d date, dn date, ts timestamptz, b bigint, bn bigint, f boolean, g uuid";

    public async Task InitializeAsync() => await stack.Db.ExecAsync($"CREATE TABLE {_ours} ({Columns}); CREATE TABLE {_npgsql} ({Columns})");

    public async Task DisposeAsync() => await stack.Db.ExecAsync($"DROP TABLE IF EXISTS {_ours}, {_npgsql}");

    private sealed record Row(string T, string? Tn, string C, string J, DateOnly D, DateOnly? Dn, DateTime Ts, long B, long? Bn, bool F, Guid G);

    [Fact]
    public async Task Rows_encoded_by_the_staging_writer_equal_the_same_rows_written_by_npgsql()
    {
        var text = Gen.Frequency((40, Gen.String), (40, Gen.String[Gen.Char['\u00C0', '\u02FF'], 0, 20]), (10, Gen.Const("日本 😀 ü")),
            (5, Gen.Const("")), (1, Gen.Const(new string('x', 300_000))));
        // Npgsql sends .NET's MinValue and MaxValue as -infinity and infinity: the days and ticks beside them are compared here,
        // the values themselves in the next test.
        var date = Gen.OneOf(Gen.Int[-200_000, 200_000].Select(d => DateOnly.FromDayNumber(730119 + d)),
            Gen.Const(DateOnly.MinValue.AddDays(1)), Gen.Const(DateOnly.MaxValue.AddDays(-1)), Gen.Const(new DateOnly(2000, 1, 1)), Gen.Const(new DateOnly(1999, 12, 31)));
        var instant = Gen.OneOf(Gen.Long[DateTime.MinValue.Ticks + 1, DateTime.MaxValue.Ticks - 1].Select(t => new DateTime(t, DateTimeKind.Utc)),
            Gen.Long[-50, 50].Select(t => new DateTime(630822816000000000L + t, DateTimeKind.Utc)),
            Gen.Const(new DateTime(DateTime.MinValue.Ticks + 1, DateTimeKind.Utc)), Gen.Const(new DateTime(DateTime.MaxValue.Ticks - 1, DateTimeKind.Utc)));
        var json = Gen.OneOf(Gen.Const("{}"), Gen.Const("{\"geo\":[\"DE\",\"FR\"],\"age\":{\"min\":18,\"max\":65},\"note\":\"日本 😀\"}"),
            Gen.Int.Select(i => $"{{\"n\":{i},\"s\":\"a\\u00e9\"}}"));
        var first = Gen.Select(text.Where(s => !s.Contains('\0') && !HasUnpairedSurrogate(s)), Gen.Bool, Gen.Char['A', 'Z'].Array[3], json, date);
        var second = Gen.Select(Gen.Bool, instant, Gen.Long, Gen.Bool, Gen.Bool, Gen.Guid);
        var row = Gen.Select(first, second, (a, b) =>
            new Row(a.Item1, a.Item2 ? null : a.Item1 + "n", new string(a.Item3), a.Item4, a.Item5, b.Item1 ? null : a.Item5, b.Item2, b.Item3,
                b.Item4 ? null : -b.Item3, b.Item5, b.Item6));
        var rows = row.List[500, 500].Where(r => r.Any(x => x.T.Length >= 300_000)).Single();

        await using (var connection = await stack.Db.OpenConnectionAsync())
        {
            await using (var stream = await connection.BeginRawBinaryCopyAsync($"COPY {_ours} FROM STDIN (FORMAT BINARY)"))
            {
                using var writer = new BinaryCopyWriter(stream);
                foreach (var r in rows)
                {
                    writer.StartRow(11);
                    writer.Write(r.T);
                    writer.WriteNullable(r.Tn);
                    writer.Write(r.C);
                    writer.WriteJsonb(r.J);
                    writer.Write(r.D);
                    writer.Write(r.Dn);
                    writer.WriteTimestampTz(r.Ts);
                    writer.Write(r.B);
                    writer.Write(r.Bn);
                    writer.Write(r.F);
                    writer.Write(r.G);
                }
                writer.Complete();
            }
            await using var importer = await connection.BeginBinaryImportAsync($"COPY {_npgsql} FROM STDIN (FORMAT BINARY)");
            foreach (var r in rows)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(r.T, NpgsqlDbType.Text);
                if (r.Tn is null) await importer.WriteNullAsync(); else await importer.WriteAsync(r.Tn, NpgsqlDbType.Text);
                await importer.WriteAsync(r.C, NpgsqlDbType.Char);
                await importer.WriteAsync(r.J, NpgsqlDbType.Jsonb);
                await importer.WriteAsync(r.D, NpgsqlDbType.Date);
                if (r.Dn is null) await importer.WriteNullAsync(); else await importer.WriteAsync(r.Dn.Value, NpgsqlDbType.Date);
                await importer.WriteAsync(r.Ts, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(r.B, NpgsqlDbType.Bigint);
                if (r.Bn is null) await importer.WriteNullAsync(); else await importer.WriteAsync(r.Bn.Value, NpgsqlDbType.Bigint);
                await importer.WriteAsync(r.F, NpgsqlDbType.Boolean);
                await importer.WriteAsync(r.G, NpgsqlDbType.Uuid);
            }
            await importer.CompleteAsync();
        }

        Assert.Equal(rows.Count, await stack.Db.CountAsync($"SELECT count(*) FROM {_ours}"));
        Assert.Equal(rows.Count, await stack.Db.CountAsync($"SELECT count(*) FROM {_npgsql}"));
        // Row for row (as multisets): text compared by bytes, instants and dates by value, infinities included.
        Assert.Equal(0, await stack.Db.CountAsync($"SELECT count(*) FROM (SELECT * FROM {_ours} EXCEPT ALL SELECT * FROM {_npgsql}) d"));
        Assert.Equal(0, await stack.Db.CountAsync($"SELECT count(*) FROM (SELECT * FROM {_npgsql} EXCEPT ALL SELECT * FROM {_ours}) d"));
        Assert.Equal(rows.Count(r => r.Tn is null), await stack.Db.CountAsync($"SELECT count(*) FROM {_ours} WHERE tn IS NULL"));
    }

    [Fact]
    public async Task The_first_and_last_dates_and_instants_land_as_themselves_not_as_infinities()
    {
        await using (var connection = await stack.Db.OpenConnectionAsync())
        await using (var stream = await connection.BeginRawBinaryCopyAsync($"COPY {_ours} (t, d, ts) FROM STDIN (FORMAT BINARY)"))
        {
            using var writer = new BinaryCopyWriter(stream);
            foreach (var (name, date, instant) in new[]
                     {
                         ("min", DateOnly.MinValue, DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc)),
                         ("max", DateOnly.MaxValue, DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc)),
                     })
            {
                writer.StartRow(3);
                writer.Write(name);
                writer.Write(date);
                writer.WriteTimestampTz(instant);
            }
            writer.Complete();
        }

        // A legacy record's 0001-01-01 and 9999-12-31T23:59:59.9999999Z (the instant truncated to the microsecond).
        Assert.Equal(1, await stack.Db.CountAsync(
            $"SELECT count(*) FROM {_ours} WHERE t = 'min' AND d = DATE '0001-01-01' AND ts = TIMESTAMPTZ '0001-01-01 00:00:00+00'"));
        Assert.Equal(1, await stack.Db.CountAsync(
            $"SELECT count(*) FROM {_ours} WHERE t = 'max' AND d = DATE '9999-12-31' AND ts = TIMESTAMPTZ '9999-12-31 23:59:59.999999+00'"));
    }

    [Fact]
    public async Task Text_with_an_unpaired_surrogate_is_refused_before_it_reaches_the_server()
    {
        await using var connection = await stack.Db.OpenConnectionAsync();
        await using var stream = await connection.BeginRawBinaryCopyAsync($"COPY {_ours} (t) FROM STDIN (FORMAT BINARY)");
        using var writer = new BinaryCopyWriter(stream);
        writer.StartRow(1);
        Assert.ThrowsAny<ArgumentException>(() => writer.Write("a\ud800b"));
        stream.Cancel();
    }

    private static bool HasUnpairedSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return true;
        }
        return false;
    }
}
