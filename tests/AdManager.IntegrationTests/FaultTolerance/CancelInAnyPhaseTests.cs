using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Sources;
using AdManager.IntegrationTests.Infrastructure;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;

namespace AdManager.IntegrationTests.FaultTolerance;

/// <summary>
/// api.md: cancel answers 202 "while the job is not final; the job stops at the next batch boundary and ends Cancelled".
/// That holds in Validating too (the job ends Cancelled, not Completed, with everything it loaded), and while a large file
/// is read, which stops part way instead of at the end of the file. (Mid-load cancels: <see cref="CancelAndOverlapTests"/>.)
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CancelInAnyPhaseTests(TestStack stack)
{
    /// <summary>
    /// The read-back is held (as a slow, large one would be) and never let go: the cancel stops it, the job ends
    /// Cancelled with everything it loaded, and the report says the comparison did not finish.
    /// </summary>
    [Fact]
    public async Task A_cancel_accepted_in_Validating_stops_the_read_back_and_ends_the_job_Cancelled()
    {
        using var export = new CatalogExport(products: 120);
        var gate = new ReadGate();
        await using var host = new MigrationHost(stack, "cancel-validate-" + export.P, services: services =>
            services.AddSingleton(gate.Wrap(stack.Dynamo)));
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(JobsClient.FileJob(export.Directory.Path, dataTypes: ["ProductCatalogData"]));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("InProgress:Validating", (await api.GetAsync(jobId))["status"]!.GetValue<string>());
        await api.CancelAsync(jobId);
        try
        {
            var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(30));

            Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
            FaultAssertions.HistoryIsLegal(job);
            var report = await api.ReportAsync(jobId);
            Assert.Equal(export.Products, report["entities"]!["products"]!["loaded"]!.GetValue<long>());
            Assert.False(report["nothingWritten"]!.GetValue<bool>());
            // How far it got (Validating), not the 100 of a job that finished.
            Assert.InRange(job["progress"]!["percent"]!.GetValue<double>(), 50, 99.9);
            Assert.False(report["validation"]!["passed"]!.GetValue<bool>());
            Assert.Empty(report["validation"]!["checks"]!.AsArray());
            Assert.Contains(report["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("cancelled while validating", StringComparison.Ordinal));
            Assert.True(gate.Abandoned > 0, "the held read-back was not cancelled");
        }
        finally
        {
            gate.Open();
        }
    }

    /// <summary>
    /// A cancel while a large file is being read stops the read within a few thousand records, rather than after the
    /// whole file: nothing of the file is staged or loaded, and the job ends Cancelled. The file's records pass through
    /// a source that holds the read at its 20,000th record until the cancel is accepted, so the read is still going when
    /// it comes (a file of 400,000 rows read straight was sometimes read to its end on a busy machine before the cancel
    /// arrived); the stop itself is the extraction's own, within 4,096 records of the cancel.
    /// </summary>
    [Fact]
    public async Task A_cancel_accepted_while_a_file_is_read_stops_the_read_part_way()
    {
        const int Campaigns = 400_000, Before = 20_000;
        var p = "x" + Guid.NewGuid().ToString("N")[..10] + "-";
        using var export = new ExportDirectory();
        using (var file = new StreamWriter(Path.Combine(export.Path, "campaigns.csv")))
        {
            file.Write("merchant_id,campaign_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json,last_modified\n");
            for (var i = 0; i < Campaigns; i++) file.Write($"{p}m1,{p}c{i},Campaign {i},active,10.00,usd,2024-01-01,,,2024-01-01T00:00:00Z\n");
        }
        var held = new HeldRead(Before);
        await using var host = new MigrationHost(stack, "cancel-read-" + p, services: services =>
            services.AddSingleton<ILegacySources>(sp => new HeldSources(sp.GetRequiredService<LegacySources>(), held)));
        var api = new JobsClient(host.CreateClient());

        try
        {
            var jobId = await api.SubmitAsync(JobsClient.FileJob(export.Path, dataTypes: ["CampaignData"]));
            await held.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await api.CancelAsync(jobId);
            held.Release();
            var (job, _) = await api.WaitForFinalAsync(jobId);

            Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
            Assert.DoesNotContain("InProgress:Transforming", JobsClient.History(job));
            var report = await api.ReportAsync(jobId);
            // Read part way: the file's records were not all counted (a read that ran to the end would count all of them).
            Assert.True(report["entities"]!["campaigns"]!["read"]!.GetValue<long>() < Campaigns, report["entities"]!["campaigns"]!.ToJsonString());
            Assert.Equal(0, report["entities"]!["campaigns"]!["loaded"]!.GetValue<long>());
            Assert.Equal(0, await stack.Db.CountAsync("SELECT count(*) FROM campaign_metadata WHERE campaign_id LIKE $1", p + "%"));
            Assert.Empty(await SchemaTables.ListAsync(stack.Db, perJobStaging: true) is var tables
                ? tables.Where(t => t.EndsWith(jobId.ToString("N"), StringComparison.Ordinal)).ToList() : []);
            // Stopped by the extraction's own check, every 4,096 records, not at the end of the file.
            Assert.InRange(held.Passed, Before, Before + 4_096 + 1);
        }
        finally
        {
            held.Release();
        }
    }

    /// <summary>
    /// A file whose first record is gigabytes of NULs (a sparse file: no disk, hours to read) is read before any record
    /// check could see a cancel; a cancel stops it all the same (it was read to its end, past any cancel).
    /// </summary>
    [Fact]
    public async Task A_cancel_stops_a_file_whose_first_record_is_gigabytes_long()
    {
        using var export = new ExportDirectory();
        using (var sparse = File.Create(Path.Combine(export.Path, "campaigns.csv"))) sparse.SetLength(64L << 30);
        await using var host = new MigrationHost(stack, "cancel-sparse-" + Guid.NewGuid().ToString("N")[..10]);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(JobsClient.FileJob(export.Path, dataTypes: ["CampaignData"]));
        await Poll.UntilAsync(async () => (await api.GetAsync(jobId))["status"]!.GetValue<string>() == "InProgress:Extracting",
            TimeSpan.FromSeconds(30), "the job to start reading");
        await Task.Delay(500);
        await api.CancelAsync(jobId);
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(30));

        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
    }

    /// <summary>Passes the records of the file read through, holding the read before record <c>at</c> until released.</summary>
    private sealed class HeldRead(int at)
    {
        private readonly ManualResetEventSlim _released = new();
        private int _passed;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Passed => Volatile.Read(ref _passed);

        public void Release() => _released.Set();

        public IEnumerable<SourceRecord> Through(IEnumerable<SourceRecord> records)
        {
            foreach (var record in records)
            {
                if (_passed == at)
                {
                    Reached.TrySetResult();
                    _released.Wait();
                }
                Interlocked.Increment(ref _passed);
                yield return record;
            }
        }
    }

    private sealed class HeldSources(LegacySources inner, HeldRead held) : ILegacySources
    {
        public async Task<ILegacySource> OpenAsync(Guid jobId, JobConfig config, CancellationToken ct) =>
            new Source(await inner.OpenAsync(jobId, config, ct), held);

        private sealed class Source(ILegacySource inner, HeldRead held) : ILegacySource
        {
            public DateTimeOffset? SnapshotAt => inner.SnapshotAt;

            public bool Has(EntityKind kind) => inner.Has(kind);

            public IEntitySource Open(EntitySchema schema, CancellationToken ct) => new Entity(inner.Open(schema, ct), held);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }

        private sealed class Entity(IEntitySource inner, HeldRead held) : IEntitySource
        {
            public string Name => inner.Name;

            public string MalformedDetail => inner.MalformedDetail;

            public IReadOnlyList<string> Warnings => inner.Warnings;

            public IEnumerable<SourceRecord> ReadRecords() => held.Through(inner.ReadRecords());

            public void Dispose() => inner.Dispose();
        }
    }

    /// <summary>Holds DynamoDB reads (validation's Query and BatchGetItem) until opened; everything else goes straight through.</summary>
    internal sealed class ReadGate : IDynamoInterceptor
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public IAmazonDynamoDB Wrap(IAmazonDynamoDB inner) => InterceptedDynamo.Wrap(inner, this, "QueryAsync", "BatchGetItemAsync");

        /// <summary>Held reads whose caller cancelled them before the gate opened.</summary>
        public int Abandoned => _abandoned;

        private int _abandoned;

        public async Task<T> InvokeAsync<T>(Func<Task<T>> call, CancellationToken ct)
        {
            Reached.TrySetResult();
            try
            {
                await _open.Task.WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _abandoned);
                throw;
            }
            return await call();
        }
    }
}
