using AdManager.Grains.Stores.Dynamo;
using AdManager.Silo.Hosting;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL server and dynalite that <c>./test.sh</c> starts for the tests (their addresses
/// come in through the environment). Shared by every test; each test uses keys of its own.
/// </summary>
public sealed class TestStack : IAsyncLifetime
{
    public string PostgresConnectionString { get; } = Environment.GetEnvironmentVariable("ADMANAGER_TEST_PG")
        ?? throw new InvalidOperationException("ADMANAGER_TEST_PG is not set: run the integration tests through ./test.sh, which starts PostgreSQL and dynalite");

    public string DynamoEndpoint { get; } = Environment.GetEnvironmentVariable("ADMANAGER_TEST_DYNAMODB")
        ?? throw new InvalidOperationException("ADMANAGER_TEST_DYNAMODB is not set: run the integration tests through ./test.sh");

    public NpgsqlDataSource Db { get; private set; } = null!;

    public IAmazonDynamoDB Dynamo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = NpgsqlDataSource.Create(PostgresConnectionString);
        Dynamo = new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = DynamoEndpoint, AuthenticationRegion = "us-east-1" });
        // The schema a silo applies at start, so tests of the stores alone do not depend on a silo having run first.
        await new SchemaInitializer(Db, Dynamo, Options.Create(new DynamoOptions()), NullLogger<SchemaInitializer>.Instance)
            .StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        Dynamo.Dispose();
        await Db.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<TestStack>
{
    public const string Name = "real stack";
}
