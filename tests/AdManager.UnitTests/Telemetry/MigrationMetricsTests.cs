using System.Diagnostics.Metrics;
using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Telemetry;

namespace AdManager.UnitTests.Telemetry;

public sealed class MigrationMetricsTests : IDisposable
{
    private readonly TestMeterFactory _factory = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, string? Unit, double Value, Dictionary<string, string?> Tags)> _measurements = [];

    public MigrationMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's meter: other tests may create meters of the same name at the same time.
            if (instrument.Meter.Scope == _factory) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _factory.Dispose();
    }

    [Fact]
    public void Record_counts_are_tagged_by_entity_and_reason_never_by_job()
    {
        var metrics = new MigrationMetrics(_factory);
        metrics.RecordsRead("products", 5);
        metrics.RecordsRejected("products", "invalid_value:gtin", 2);
        metrics.RecordsLoaded("campaigns", 3);

        Assert.Equal(
            [
                ("admanager.migration.records.read", "{record}", 5.0, "entity=products"),
                ("admanager.migration.records.rejected", "{record}", 2.0, "entity=products,reason=invalid_value:gtin"),
                ("admanager.migration.records.loaded", "{record}", 3.0, "entity=campaigns"),
            ],
            _measurements.Select(m => (m.Instrument, m.Unit, m.Value, Tags(m.Tags))));
    }

    [Fact]
    public void Batch_latency_is_tagged_with_the_loader_outcome_and_a_failed_call_counts_as_failed()
    {
        var metrics = new MigrationMetrics(_factory);
        metrics.BatchCompleted("products", BatchStatus.Succeeded, TimeSpan.FromMilliseconds(250));
        metrics.BatchCompleted("products", BatchStatus.PartiallyFailed, TimeSpan.FromSeconds(1));
        metrics.BatchCompleted("products", null, TimeSpan.FromSeconds(2));

        Assert.Equal(
            [(0.25, "entity=products,outcome=succeeded"), (1.0, "entity=products,outcome=partially_failed"), (2.0, "entity=products,outcome=failed")],
            _measurements.Select(m => (m.Value, Tags(m.Tags))));
        Assert.All(_measurements, m => Assert.Equal(("admanager.migration.batch.duration", "s"), (m.Instrument, m.Unit)));
    }

    [Fact]
    public void Retries_throttles_and_job_durations_have_their_own_instruments()
    {
        var metrics = new MigrationMetrics(_factory);
        metrics.Retried("dynamodb", "BatchWriteItem");
        metrics.Throttled("dynamodb", 7);
        metrics.JobFinished("Failed", TimeSpan.FromMinutes(2));

        Assert.Equal(
            [
                ("admanager.migration.store.retries", 1.0, "operation=BatchWriteItem,store=dynamodb"),
                ("admanager.migration.store.throttled", 7.0, "store=dynamodb"),
                ("admanager.migration.job.duration", 120.0, "status=Failed"),
            ],
            _measurements.Select(m => (m.Instrument, m.Value, Tags(m.Tags))));
    }

    [Fact]
    public async Task Store_calls_retried_after_a_transient_fault_are_counted_per_store()
    {
        var metrics = new MigrationMetrics(_factory);
        var resilience = new AdManager.Grains.Stores.StoreResilience(
            Microsoft.Extensions.Options.Options.Create(new AdManager.Grains.Stores.StoreResilienceOptions { RetryAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(1) }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AdManager.Grains.Stores.StoreResilience>.Instance, metrics);
        var calls = 0;
        await resilience.PostgresPipeline.ExecuteAsync(_ =>
        {
            // Connection refused twice (transient), then the upsert goes through.
            if (++calls < 3) throw new Npgsql.NpgsqlException("connection refused", new System.Net.Sockets.SocketException(111));
            return ValueTask.CompletedTask;
        });
        await resilience.DynamoPipeline.ExecuteAsync(_ => ValueTask.CompletedTask);

        Assert.Equal(3, calls);
        Assert.Equal(
            [
                ("admanager.migration.store.retries", 1.0, "operation=upsert,store=postgres"),
                ("admanager.migration.store.retries", 1.0, "operation=upsert,store=postgres"),
            ],
            _measurements.Select(m => (m.Instrument, m.Value, Tags(m.Tags))));
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var copy = new Dictionary<string, string?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value?.ToString();
        _measurements.Add((instrument.Name, instrument.Unit, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
    }

    private static string Tags(Dictionary<string, string?> tags) =>
        string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
