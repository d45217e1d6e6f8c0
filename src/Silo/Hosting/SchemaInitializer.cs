using System.Reflection;
using AdManager.Grains.Stores.Dynamo;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AdManager.Silo.Hosting;

/// <summary>
/// Creates the Orleans ADO.NET schema, the application's tables and (when configured) the DynamoDB
/// tables before the silo starts; the providers read their queries from <c>OrleansQuery</c> at start.
/// Every script is idempotent and serialised with an advisory lock, so silos may start together.
/// </summary>
public sealed partial class SchemaInitializer(
    NpgsqlDataSource dataSource,
    IAmazonDynamoDB dynamo,
    IOptions<DynamoOptions> dynamoOptions,
    ILogger<SchemaInitializer> logger) : IHostedService
{
    private static readonly string[] Scripts = ["orleans.sql", "admanager.sql"];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var script in Scripts)
        {
            var sql = await ReadScriptAsync(script);
            await RetryAsync(async () =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await using var command = new NpgsqlCommand(sql, connection, tx) { CommandTimeout = 120 };
                await command.ExecuteNonQueryAsync(cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }, $"PostgreSQL schema {script}", cancellationToken);
            Log.SchemaApplied(logger, script);
        }
        if (dynamoOptions.Value.CreateTables)
        {
            await RetryAsync(() => DynamoTables.EnsureAsync(dynamo, cancellationToken), "DynamoDB tables", cancellationToken);
            Log.TablesReady(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task<string> ReadScriptAsync(string name)
    {
        await using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"AdManager.Silo.Schema.{name}")
            ?? throw new InvalidOperationException($"embedded schema script {name} is missing");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Stores may come up a little after the silo (a pod starting beside its database): wait for them, for a while.</summary>
    private async Task RetryAsync(Func<Task> action, string what, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception ex) when (attempt < 30 && ex is NpgsqlException or AmazonDynamoDBException or HttpRequestException or TimeoutException)
            {
                // The cause, not only its type: a role that may not replace the schema's functions (it must own them, or be a
                // member of their owner) read as a store still starting.
                Log.StoreNotReady(logger, what, attempt, Cause(ex));
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), ct);
            }
        }
    }

    /// <summary>
    /// The store's one-line cause, but for the server refusing a session setting: its text quotes the value, which comes
    /// from the service's own connection string (a secret), so only the SQLSTATE is logged then.
    /// </summary>
    private static string Cause(Exception ex) =>
        ex is Npgsql.PostgresException pg && Grains.Stores.StoreErrors.RefusesSessionSetting(pg)
            ? $"PostgreSQL refused a setting of the connection string (SQLSTATE {pg.SqlState}; the server's log has its text)"
            : Grains.Stores.StoreErrors.Describe(ex);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Schema {Script} applied")]
        public static partial void SchemaApplied(ILogger logger, string script);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "DynamoDB tables ready")]
        public static partial void TablesReady(ILogger logger);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{What} not ready (attempt {Attempt}: {Cause}); retrying")]
        public static partial void StoreNotReady(ILogger logger, string what, int attempt, string cause);
    }
}
