using System.Net;
using AdManager.Grains.Abstractions;
using AdManager.Grains.Jobs;
using AdManager.Grains.Pipeline.Phases;
using AdManager.Grains.Pipeline.Sources;
using AdManager.Grains.Stores;
using AdManager.Grains.Secrets;
using AdManager.Grains.Stores.Dynamo;
using AdManager.Grains.Stores.Postgres;
using AdManager.Grains.Telemetry;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;

namespace AdManager.Silo.Hosting;

/// <summary>The silo: Orleans with every provider on PostgreSQL, and the migration pipeline's services.</summary>
public static class SiloHostingExtensions
{
    private const string Invariant = "Npgsql";

    /// <summary>Adds the migration silo to a host (the API process co-hosts it).</summary>
    public static IHostApplicationBuilder AddMigrationSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var postgres = configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not configured");

        builder.Services.AddMigrationServices(configuration, postgres);
        // Before UseOrleans: hosted services start in order, and the providers need their schema at start.
        builder.Services.AddHostedService<SchemaInitializer>();

        var silo = MigrationSiloOptions.From(configuration);
        builder.Services.AddOptions<MigrationSiloOptions>()
            .Bind(configuration.GetSection(MigrationSiloOptions.Section))
            .PostConfigure(o => o.ApplyPodEnvironment(configuration))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MigrationSiloOptions>, MigrationSiloOptionsValidator>();
        // SIGTERM: batches in flight finish and are checkpointed, then the silo leaves the cluster, within this time.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);
        builder.UseOrleans(orleans =>
        {
            // Failure detection: defaults suit production; local stacks and tests shorten them (Orleans:Membership:*).
            orleans.Services.Configure<ClusterMembershipOptions>(configuration.GetSection($"{MigrationSiloOptions.Section}:Membership"));
            // A batch of 10,000 items into a slow target can take minutes; calls to a dead silo fail fast anyway.
            orleans.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = silo.ResponseTimeout);
            orleans.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = silo.ClusterId;
                o.ServiceId = silo.ServiceId;
            });
            if (silo.IsCluster)
            {
                orleans.UseAdoNetClustering(o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = postgres;
                });
                var address = silo.AdvertisedAddress;
                orleans.ConfigureEndpoints(address, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
                if (!string.IsNullOrWhiteSpace(silo.SiloName)) orleans.Configure<SiloOptions>(o => o.SiloName = silo.SiloName);
            }
            else
            {
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            }

            orleans.AddAdoNetGrainStorage(MigrationNames.JobStorage, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = postgres;
            });
            // Kept for any stream provider with explicit subscriptions (the project's convention); the job stream's
            // provider below resolves its implicit subscribers without it.
            orleans.AddAdoNetGrainStorage(MigrationNames.PubSubStorage, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = postgres;
            });
            // Job state is stored with Orleans' own version-tolerant serializer ([Id]/[Alias] contracts),
            // so renaming a class or moving an assembly never makes a stored job unreadable.
            orleans.Services.AddOptions<AdoNetGrainStorageOptions>(MigrationNames.JobStorage)
                .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
            // Tests and demos shorten the resume period below Orleans' 1-minute default minimum.
            var resume = configuration.GetSection(JobRunOptions.Section).Get<JobRunOptions>()?.ResumeCheckPeriod ?? TimeSpan.FromMinutes(1);
            if (resume < TimeSpan.FromMinutes(1)) orleans.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = resume);
            orleans.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = postgres;
            });
            orleans.AddAdoNetStreams(MigrationNames.StreamProvider, streams =>
            {
                streams.ConfigureAdoNet(ob => ob.Configure(o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = postgres;
                    o.ExpiryTimeout = silo.StreamExpiry;
                }));
                // Each job has its own stream, so an event that cannot be delivered holds up only its own job. A queued
                // event wakes its queue's reader at once (JobEventWakeups, below), whose wait for it is the poll's period
                // (1 s; 100 ms while the silo cannot listen); the agent itself pauses only briefly between reads. With
                // the wake-ups turned off (Orleans:JobEventWakeups), the agent polls every 100 ms.
                streams.ConfigurePartitioning(2);
                streams.ConfigurePullingAgent(ob => ob.Configure(o =>
                    o.GetQueueMsgsTimerPeriod = silo.JobEventWakeups ? JobEventWakeups.AgentPause : JobEventWakeups.MaxWaitNotListening));
                // The job grain's implicit subscription is the only consumer, so the pulling agent takes it from the
                // subscriber table instead of registering with a PubSubRendezvousGrain for every job's stream: no state
                // read and write on the way to each job's start, and no rendezvous row left in OrleansStorage per job.
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            });
            // PostgreSQL LISTEN/NOTIFY around the provider's queues: a job starts milliseconds after its event is queued,
            // on whichever silo reads its queue, and an idle queue is read about once a second instead of ten times.
            if (silo.JobEventWakeups)
            {
                orleans.Services.AddSingleton(sp => new JobEventWakeups(postgres, sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                    sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<ILogger<JobEventWakeups>>()));
                orleans.Services.AddHostedService(sp => sp.GetRequiredService<JobEventWakeups>());
                orleans.Services.WakeOnQueuedEvents(MigrationNames.StreamProvider);
                // A failed read is retried as soon as the server is back (the receiver waits for that), not after Orleans' own
                // backoff of several seconds.
                orleans.Services.AddKeyedSingleton<IQueueReaderBackoffProvider>(MigrationNames.StreamProvider, new JobEventReadBackoff());
            }
        });
        builder.Services.AddHostedService<JobFailover>();
        builder.Services.AddHostedService<PipelineWarmUp>();
        builder.Services.AddHostedService<StagingSweeper>();
        return builder;
    }

    /// <summary>The pipeline's stores, phases and options.</summary>
    public static IServiceCollection AddMigrationServices(this IServiceCollection services, IConfiguration configuration, string postgres)
    {
        services.AddOptions<JobRunOptions>().Bind(configuration.GetSection(JobRunOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DynamoOptions>().Bind(configuration.GetSection(DynamoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FileSourceOptions>().Bind(configuration.GetSection(FileSourceOptions.Section));
        services.AddOptions<StoreResilienceOptions>().Bind(configuration.GetSection(StoreResilienceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StoreResilience>();
        services.AddOptions<SecretStoreOptions>().Bind(configuration.GetSection(SecretStoreOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AdManager.Grains.Secrets.ISecretResolver, ConfigurationSecretResolver>();
        services.AddOptions<PostgresSourceOptions>().Bind(configuration.GetSection(PostgresSourceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(_ => PipelineDataSource.Build(postgres));
        services.AddSingleton<IAmazonDynamoDB>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<DynamoOptions>>().Value;
            var config = new AmazonDynamoDBConfig { AuthenticationRegion = o.Region };
            if (!string.IsNullOrWhiteSpace(o.ServiceUrl)) config.ServiceURL = o.ServiceUrl;
            else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(o.Region);
            return o.AccessKey is { Length: > 0 } key
                ? new AmazonDynamoDBClient(new BasicAWSCredentials(key, o.SecretKey ?? ""), config)
                : new AmazonDynamoDBClient(config);
        });

        services.AddMetrics();
        services.AddSingleton<MigrationMetrics>();
        services.AddSingleton<JobIndexStore>();
        services.AddSingleton<RejectionQueries>();
        services.AddSingleton<StagingResolver>();
        services.AddSingleton<StagingReader>();
        services.AddSingleton<StagingSweep>();
        services.AddSingleton<CampaignMetadataStore>();
        services.AddSingleton<CatalogMetadataStore>();
        services.AddSingleton<DynamoBatchWriter>();
        services.AddSingleton<DynamoReadBack>();
        services.AddSingleton<FileSourceGuard>();
        services.AddSingleton<LegacySources>();
        services.AddSingleton<ILegacySources>(sp => sp.GetRequiredService<LegacySources>());
        services.AddSingleton<ExtractPhase>();
        services.AddSingleton<ValidatePhase>();
        services.AddSingleton<JobPipeline>();
        return services;
    }
}
