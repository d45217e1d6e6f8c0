using AdManager.Grains.Abstractions;
using AdManager.IntegrationTests.Infrastructure;
using AdManager.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Runtime.Providers;
using Orleans.Streams;

namespace AdManager.IntegrationTests.Cluster;

/// <summary>
/// The job stream's wake-ups through PostgreSQL's LISTEN/NOTIFY, on the real server: an event queued on one silo wakes
/// the reader of its queue on another silo of the same service (and not a silo of another service, nor the notifying
/// silo's own reader a second time); a listening
/// connection that is cut is opened again (each time, and each cut and return logged), and its readers are woken then
/// for whatever was queued meanwhile; a restart that drops it makes the process's pools open new connections; the silo
/// host puts the wake-ups around the job stream's queues, unless they are turned off.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class JobEventWakeupsTests(TestStack stack) : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(15);
    private readonly List<(JobEventWakeups Wakeups, NpgsqlDataSource DataSource)> _silos = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (wakeups, dataSource) in _silos)
        {
            await wakeups.StopAsync(CancellationToken.None);
            wakeups.Dispose();
            await dataSource.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_event_queued_on_one_silo_wakes_its_queue_s_reader_on_another_and_not_another_service_s()
    {
        var service = "wake-" + Guid.NewGuid().ToString("N")[..8];
        var publisher = await StartSiloAsync(service, "pub");
        var reader = await StartSiloAsync(service, "read");
        var stranger = await StartSiloAsync("other-" + service, "other");

        var readerWait = reader.Signals.WaitAsync("queue-1", reader.Signals.Seen("queue-1"), Long, CancellationToken.None);
        var otherQueueWait = reader.Signals.WaitAsync("queue-2", reader.Signals.Seen("queue-2"), TimeSpan.FromSeconds(2), CancellationToken.None);
        var strangerWait = stranger.Signals.WaitAsync("queue-1", stranger.Signals.Seen("queue-1"), TimeSpan.FromSeconds(2), CancellationToken.None);

        publisher.Published("queue-1");

        Assert.True(await readerWait);
        Assert.False(await otherQueueWait);
        Assert.False(await strangerWait);
    }

    [Fact]
    public async Task A_silo_s_own_notification_does_not_wake_its_reader_a_second_time()
    {
        var service = "wake-" + Guid.NewGuid().ToString("N")[..8];
        var first = await StartSiloAsync(service, "first");
        var second = await StartSiloAsync(service, "second");
        var before = first.Signals.Seen("queue-1");
        var secondWoken = second.Signals.WaitAsync("queue-1", second.Signals.Seen("queue-1"), Long, CancellationToken.None);

        first.Published("queue-1");
        Assert.True(await secondWoken);
        // Notifications reach each listener in the order they were committed: once the first silo has the second's,
        // it has had its own back too.
        var firstWoken = first.Signals.WaitAsync("queue-2", first.Signals.Seen("queue-2"), Long, CancellationToken.None);
        second.Published("queue-2");
        Assert.True(await firstWoken);

        Assert.Equal(before + 1, first.Signals.Seen("queue-1"));
    }

    [Fact]
    public async Task A_cut_listening_connection_is_opened_again_and_wakes_its_readers_when_it_is_back()
    {
        var service = "wake-" + Guid.NewGuid().ToString("N")[..8];
        var publisher = await StartSiloAsync(service, "pub");
        using var logs = new LogCapture();
        var reader = await StartSiloAsync(service, "read", logs);

        for (var cut = 1; cut <= 2; cut++)
        {
            var before = await ListenerBackendAsync(service, "read");
            // A reader waiting when the connection is cut: an event queued before the listener is back sends it no wake-up.
            var waiting = reader.Signals.WaitAsync("queue-3", reader.Signals.Seen("queue-3"), Long, CancellationToken.None);

            await using (var terminate = new NpgsqlDataSourceBuilder(stack.PostgresConnectionString).Build())
            await using (var command = terminate.CreateCommand("SELECT pg_terminate_backend($1)"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = before });
                await command.ExecuteNonQueryAsync();
            }

            Assert.True(await waiting);
            await ListenerReopenedAsync(service, "read", before);
            await Poll.UntilAsync(() => Task.FromResult(reader.Listening), Long, "the reader to listen again");
            var wait = reader.Signals.WaitAsync("queue-1", reader.Signals.Seen("queue-1"), Long, CancellationToken.None);
            publisher.Published("queue-1");
            Assert.True(await wait);
        }
        // Each cut is told, and each return.
        Assert.Equal(2, logs.Text.Split('\n').Count(line => line.Contains("[5301]")));
        Assert.Equal(2, logs.Text.Split('\n').Count(line => line.Contains("[5302]")));
    }

    [Fact]
    public async Task When_a_restart_drops_the_listening_connection_the_process_s_pooled_connections_are_opened_anew()
    {
        // Connections another part of the process keeps in Npgsql's global pool (as Orleans' providers do), with no
        // keepalive: without the wake-ups' reaction the first statement after the restart fails on one of them (57P01,
        // as PipelinePoolTests' restart test without a keepalive shows).
        var service = "wake-" + Guid.NewGuid().ToString("N")[..8];
        var pooled = $"{stack.PostgresConnectionString};Application Name=pool-{service};Keepalive=0";
        var kept = new List<NpgsqlConnection>();
        for (var i = 0; i < 3; i++)
        {
            var connection = new NpgsqlConnection(pooled);
            await connection.OpenAsync();
            kept.Add(connection);
        }
        foreach (var connection in kept) await connection.DisposeAsync();
        await StartSiloAsync(service, "read");
        var before = await ListenerBackendAsync(service, "read");

        await Infra.RestartPostgresAsync(stack);
        await ListenerReopenedAsync(service, "read", before);

        for (var i = 0; i < 3; i++)
        {
            await using var connection = new NpgsqlConnection(pooled);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            Assert.Equal(1, await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task The_silo_host_listens_and_wraps_the_job_stream_s_queues()
    {
        await using var host = new MigrationHost(stack, "wakehost-" + Guid.NewGuid().ToString("N")[..8]);
        var wakeups = host.Services.GetRequiredService<JobEventWakeups>();
        var factory = host.Services.GetRequiredKeyedService<IQueueAdapterFactory>(MigrationNames.StreamProvider);

        await Poll.UntilAsync(() => Task.FromResult(wakeups.Listening), Long, "the host to listen for job events");
        Assert.Equal(typeof(WakingQueueAdapter).Namespace, factory.GetType().Namespace);
        var adapter = await factory.CreateAdapter(CancellationToken.None);
        Assert.IsType<WakingReceiver>(adapter.CreateReceiver(factory.GetStreamQueueMapper().GetAllQueues().First()));
        // The receiver reports a failed read when the server is back; the agent's retry then comes at once.
        Assert.IsType<JobEventReadBackoff>(host.Services.GetKeyedService<IQueueReaderBackoffProvider>(MigrationNames.StreamProvider));
    }

    [Fact]
    public async Task With_the_wake_ups_turned_off_the_host_keeps_the_provider_s_own_queues()
    {
        // What makes the check above prove the wrapping is the host's doing.
        await using var host = new MigrationHost(stack, "nowake-" + Guid.NewGuid().ToString("N")[..8],
            new Dictionary<string, string?> { ["Orleans:JobEventWakeups"] = "false" });
        var factory = host.Services.GetRequiredKeyedService<IQueueAdapterFactory>(MigrationNames.StreamProvider);

        Assert.Null(host.Services.GetService<JobEventWakeups>());
        Assert.NotEqual(typeof(WakingQueueAdapter).Namespace, factory.GetType().Namespace);
        var adapter = await factory.CreateAdapter(CancellationToken.None);
        Assert.IsNotType<WakingReceiver>(adapter.CreateReceiver(factory.GetStreamQueueMapper().GetAllQueues().First()));
        Assert.Null(host.Services.GetKeyedService<IQueueReaderBackoffProvider>(MigrationNames.StreamProvider));
    }

    /// <summary>A silo's wake-ups, listening (its connection named after <paramref name="service"/> and <paramref name="name"/>).</summary>
    private async Task<JobEventWakeups> StartSiloAsync(string service, string name, ILoggerProvider? logs = null)
    {
        var connection = $"{stack.PostgresConnectionString};Application Name={service}-{name}";
        var dataSource = PipelineDataSource.Build(connection);
        ILogger<JobEventWakeups> logger = logs is null
            ? NullLogger<JobEventWakeups>.Instance
            : new Logger<JobEventWakeups>(new LoggerFactory([logs]));
        var wakeups = new JobEventWakeups(connection, service, dataSource, logger);
        _silos.Add((wakeups, dataSource));
        await wakeups.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => Task.FromResult(wakeups.Listening), Long, $"{name} to listen");
        return wakeups;
    }

    /// <summary>Waits until the silo's listening connection is another backend than <paramref name="before"/>.</summary>
    private Task ListenerReopenedAsync(string service, string name, int? before) =>
        Poll.UntilAsync(async () => await ListenerBackendAsync(service, name) is { } pid && pid != before ? (object)pid : null,
            Long, $"{name}'s listening connection to be opened again");

    private async Task<int?> ListenerBackendAsync(string service, string name)
    {
        await using var dataSource = new NpgsqlDataSourceBuilder(stack.PostgresConnectionString).Build();
        await using var command = dataSource.CreateCommand("SELECT pid FROM pg_stat_activity WHERE application_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = $"{service}-{name}{JobEventWakeups.ApplicationNameSuffix}" });
        return await command.ExecuteScalarAsync() as int?;
    }
}
