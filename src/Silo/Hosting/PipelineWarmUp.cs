using System.Diagnostics;
using System.Text;
using AdManager.Grains.Abstractions;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Phases;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace AdManager.Silo.Hosting;

/// <summary>
/// Runs a job's path once at start-up, short of writing a target: extraction of a few built-in records per entity (one
/// valid, one rejected) staged under a throw-away job id, their resolution, the loaders' batch reads and merges (of a
/// range that holds no row) and validation's read-back, then a start event for a job that does not exist, which travels
/// the queue and activates a job grain that finds nothing to start. So the first real job after a start or a deploy does
/// not pay for compiling all that (the silo compiles every method fully optimized, see Api.csproj): a 10-record job on a
/// just-started silo took 1.8-2.3 s with only extraction warmed, 1.0-1.2 s with this. Nothing of it stays (staging,
/// rejections, batch rows are dropped; no job is recorded); a failure is logged and changes nothing else.
/// </summary>
public sealed partial class PipelineWarmUp(ExtractPhase extract, StagingResolver resolver, StagingReader reader, CampaignMetadataStore campaigns,
    IClusterClient client, ILogger<PipelineWarmUp> logger) : BackgroundService
{
    private static readonly (EntityKind Kind, string File, string Text)[] Samples =
    [
        (EntityKind.Campaigns, "campaigns.csv", """
            merchant_id,campaign_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json,last_modified
            m-1,c-1,Warm-up café,enabled,10.50,usd,2024-03-01,2024-06-30,"{""geo"":[""US""]}",2024-02-02T10:00:00Z
            m-1,c-2,Warm-up,enabled,10.50,XX,2024-03-01,,{},2024-02-02T10:00:00Z
            """),
        (EntityKind.CampaignPerformance, "campaign_performance.csv", """
            campaign_id,merchant_id,date,impressions,clicks,cost,conversions
            c-1,m-1,2024-03-01,100,3,1.25,1
            c-1,m-1,2024-13-01,100,3,1.25,1
            """),
        (EntityKind.Catalogs, "catalogs.ndjson", """
            {"catalog_id": "k-1", "merchant_id": "m-1", "catalog_name": "Warm-up", "country": "us", "default_currency": "USD", "last_modified": "2024-02-20T12:00:00Z"}
            {"catalog_id": "k-2", "merchant_id": "m-1", "catalog_name": "Warm-up", "country": "zz", "default_currency": "USD", "last_modified": "2024-02-20T12:00:00Z"}
            """),
        (EntityKind.Products, "products.csv", """
            product_id,catalog_id,merchant_id,title,description,price,sale_price,currency,availability,gtin,link,image_link,last_modified
            p-1,k-1,m-1,Warm-up,,129.00,,,preorder,4000000000013,https://shop.example/p-1,https://img.example/p-1.jpg,2024-02-25T09:00:00-05:00
            p-2,k-1,m-1,Warm-up,,-1,,,preorder,,https://shop.example/p-2,,2024-02-25T09:00:00-05:00
            """),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // Version 7, like a real job's id: if this silo dies before its clean-up, StagingSweep can tell the age of what it left.
        var jobId = JobIds.Next();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var staged = new Dictionary<EntityKind, long?>();
            foreach (var (kind, file, text) in Samples)
            {
                var schema = EntitySchema.For(kind);
                using var source = EntityFileReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text + "\n")), file, schema);
                staged[kind] = extract.Run(jobId, schema, source, new HashSet<string>(StringComparer.Ordinal), _ => { }, stoppingToken).Staged;
            }
            // Transforming, and the reads of Loading and Validating, over the warm-up's own staging: nothing reaches a target.
            await resolver.ResolveAsync(jobId, JobOptions.DefaultBatchSize, staged, stoppingToken);
            await reader.RejectionsByReasonAsync(jobId, stoppingToken);
            await reader.PerformanceBatchAsync(jobId, 0, stoppingToken);
            await reader.ProductBatchAsync(jobId, 0, stoppingToken);
            await campaigns.CompareAsync(jobId, sampleSize: 10, stoppingToken);
            // The loaders' merges, over a run of batches the job does not have: the statements run and write no row.
            var none = new StagedBatches(jobId, int.MaxValue, int.MaxValue, DateTimeOffset.UtcNow, ExpectedRows: 0);
            await client.GetGrain<ICampaignLoaderGrain>(0).LoadStaged(none);
            await client.GetGrain<ICatalogLoaderGrain>(0).LoadStaged(none);
            // A start event for a job that does not exist, delivered as a real one is (queue, pulling agent, grain
            // activation, state read) and ignored by the grain, which has no job to start.
            var probe = Guid.NewGuid();
            var config = new JobConfig(new SourceConfig(SourceKinds.File), new ScopeConfig([], [DataTypes.Campaign]), new JobOptions());
            await client.GetStreamProvider(MigrationNames.StreamProvider)
                .GetStream<StartDataMigrationJob>(StreamId.Create(MigrationNames.StartJobNamespace, probe))
                .OnNextAsync(new StartDataMigrationJob(probe, config));
            await client.GetGrain<IMigrationJobGrain>(probe).GetSnapshot();
            WarmedUp(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            WarmUpFailed(logger, ex.GetType().Name, ex.Message);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            try
            {
                foreach (var (kind, _, _) in Samples) await resolver.ResetEntityAsync(jobId, kind, CancellationToken.None);
                await reader.DeleteStagingAsync(jobId, CancellationToken.None);
            }
            catch (Exception ex)
            {
                WarmUpFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Job path compiled and exercised in {Milliseconds:0} ms")]
    private static partial void WarmedUp(ILogger logger, double milliseconds);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Start-up warm-up of the job path failed ({Error}: {Message}); the first job compiles it instead")]
    private static partial void WarmUpFailed(ILogger logger, string error, string message);
}
