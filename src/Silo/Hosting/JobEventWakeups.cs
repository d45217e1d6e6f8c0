using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AdManager.Silo.Hosting;

/// <summary>
/// Wakes the job stream's pulling agents when a start event is queued, on every silo, through PostgreSQL's
/// <c>LISTEN</c>/<c>NOTIFY</c>: a job starts within milliseconds of its submission instead of at its queue's next poll,
/// and an idle silo reads its queues about once a second instead of ten times. The silo that queued the event wakes its
/// own receivers at once and notifies the others (<see cref="Published"/>); each silo listens on one connection of its
/// own. The poll stays the safety net: a receiver waits at most <see cref="MaxWait"/> for a wake-up, and at most
/// <see cref="MaxWaitNotListening"/> while the listening connection is down (the poll period of before), which this
/// service reopens every <see cref="ReconnectDelay"/>.
/// </summary>
public sealed partial class JobEventWakeups(string connectionString, string serviceId, NpgsqlDataSource dataSource,
    ILogger<JobEventWakeups> logger) : BackgroundService
{
    /// <summary>
    /// The notification channel; its payload is the Orleans service id, the notifying silo's own id and the queue's id
    /// (<c>QueueId.ToString()</c>), so silos of another service on the same database are not woken, and the notifying
    /// silo, which woke its receiver already, does not wake it a second time.
    /// </summary>
    public const string Channel = "admanager_job_events";

    /// <summary>
    /// The longest a receiver waits for a wake-up after reading its queue empty while this silo listens: how late an event
    /// is read if its wake-up is lost, and how often an idle queue is read.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest a receiver waits while this silo does not listen (wake-ups from this silo's own submissions still
    /// arrive): the poll period the stream had before the wake-ups.
    /// </summary>
    public static readonly TimeSpan MaxWaitNotListening = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The pulling agent's own pause between reads (<c>GetQueueMsgsTimerPeriod</c>): short, since the receiver's wait is the
    /// poll's period now; a wake-up that comes in this pause is seen at the next read.
    /// </summary>
    public static readonly TimeSpan AgentPause = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest a receiver whose read failed waits for a wake-up before the pulling agent hears of the failure: how often
    /// a queue is tried while the server is unreachable, and how late the first read after the server's return comes when
    /// nothing wakes the queue (the listening connection's return does).
    /// </summary>
    public static readonly TimeSpan FailedReadWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Appended to the connection string's application name (<c>admanager</c> if it sets none) for the listening
    /// connection: how to find it in <c>pg_stat_activity</c>.
    /// </summary>
    public const string ApplicationNameSuffix = "-wakeups";

    private readonly string _prefix = serviceId + "/";

    /// <summary>This instance's id in the payloads it sends, to know its own notifications when they come back.</summary>
    private readonly string _self = Guid.NewGuid().ToString("N");
    private volatile bool _listening;

    public QueueWakeSignals Signals { get; } = new();

    /// <summary>True while the listening connection is open: wake-ups from other silos arrive.</summary>
    public bool Listening => _listening;

    /// <summary>
    /// An event was queued (its row committed) in <paramref name="queue"/>: wakes this silo's receiver of it at once and
    /// notifies the other silos in the background, so the submission that queued it (and this silo's start of the job,
    /// which waits for the submission's grain turn) does not wait for the round trip. A failed notification is logged
    /// and left: the other silos' polls still read the event.
    /// </summary>
    public void Published(string queue)
    {
        Signals.Wake(queue);
        _ = Task.Run(() => NotifyAsync(queue));
    }

    private async Task NotifyAsync(string queue)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
            command.Parameters.Add(new NpgsqlParameter { Value = Channel });
            command.Parameters.Add(new NpgsqlParameter { Value = $"{_prefix}{_self}/{queue}" });
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception ex)
        {
            // Nothing waits for this task: every failure ends here.
            NotifyFailed(logger, ex.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        // Its own connection, never returned to a pool in the middle of a LISTEN; the keepalive finds a broken one.
        settings.Pooling = false;
        settings.ApplicationName = (settings.ApplicationName ?? PipelineDataSource.DefaultApplicationName) + ApplicationNameSuffix;
        if (settings.KeepAlive == 0) settings.KeepAlive = PipelineDataSource.KeepAliveSeconds;
        var lost = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(settings.ConnectionString);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                _listening = true;
                if (lost) Relistening(logger);
                lost = false;
                // Events queued while no one listened would otherwise wait for the receivers' next read.
                Signals.WakeAll();
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                if (!lost) ListenLost(logger, ex.GetType().Name);
                lost = true;
                if (_listening) DropPooledConnections();
            }
            finally
            {
                _listening = false;
            }
            try
            {
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Wakes the receiver of the queue another silo of this service notified.</summary>
    private void OnNotification(string payload)
    {
        if (!payload.StartsWith(_prefix, StringComparison.Ordinal)) return;
        var rest = payload.AsSpan(_prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash < 0 || rest[..slash].SequenceEqual(_self)) return;
        Signals.Wake(rest[(slash + 1)..].ToString());
    }

    /// <summary>
    /// The server dropped a connection this silo was listening on: a restart or failover, which broke every connection
    /// this process keeps to it. Every pool (Orleans' providers share Npgsql's global pools, the pipeline has its data
    /// source) drops its idle ones now and its busy ones when they come back, so the next statement of each opens a new
    /// connection instead of failing on a dead one (a submission's 503, a job's retry, the stream's backed-off read).
    /// </summary>
    private void DropPooledConnections()
    {
        NpgsqlConnection.ClearAllPools();
        dataSource.Clear();
        PoolsCleared(logger);
    }

    [LoggerMessage(EventId = 5304, Level = LogLevel.Information,
        Message = "The connection listening for job events was dropped by the server: pooled PostgreSQL connections are opened anew")]
    private static partial void PoolsCleared(ILogger logger);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Warning,
        Message = "Listening for job events failed ({ErrorType}): the job stream's queues are polled until it is back")]
    private static partial void ListenLost(ILogger logger, string errorType);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Information, Message = "Listening for job events again")]
    private static partial void Relistening(ILogger logger);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Warning,
        Message = "Notifying the other silos of a job event failed ({ErrorType}): they read it at their next poll")]
    private static partial void NotifyFailed(ILogger logger, string errorType);
}
