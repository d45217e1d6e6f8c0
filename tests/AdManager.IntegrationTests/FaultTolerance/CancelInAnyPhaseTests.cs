using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
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
    /// whole file: nothing of the file is staged or loaded, and the job ends Cancelled. The file is a named pipe the test
    /// writes: 20,000 rows, then nothing until the cancel is accepted, so the read is still going when it comes (a
    /// regular file of 400,000 rows was sometimes read to its end on a busy machine before the cancel arrived).
    /// </summary>
    [Fact]
    public async Task A_cancel_accepted_while_a_file_is_read_stops_the_read_part_way()
    {
        const int Campaigns = 400_000, Before = 20_000;
        var p = "x" + Guid.NewGuid().ToString("N")[..10] + "-";
        const string Header = "merchant_id,campaign_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json,last_modified\n";
        string Row(int i) => $"{p}m1,{p}c{i},Campaign {i},active,10.00,usd,2024-01-01,,,2024-01-01T00:00:00Z\n";

        // The job opens the file twice: its preflight reads the first record, then its extraction reads it all. A pipe
        // has no sessions (a second reader gets whatever the first left), so each gets a pipe of its own: the file is
        // pipe A when the job starts, and pipe B once the preflight is waiting on A.
        using var export = new ExportDirectory();
        var file = Path.Combine(export.Path, "campaigns.csv");
        var pipes = Directory.CreateTempSubdirectory("cancel-read-pipes-").FullName;
        var (pipeA, pipeB) = (Path.Combine(pipes, "a"), Path.Combine(pipes, "b"));
        foreach (var pipe in new[] { pipeA, pipeB })
            Assert.True(mkfifo(pipe, 0x180) == 0, $"mkfifo failed: errno {Marshal.GetLastPInvokeError()}"); // 0600
        Assert.True(link(pipeA, file) == 0, $"link failed: errno {Marshal.GetLastPInvokeError()}");
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = new MigrationHost(stack, "cancel-read-" + p);
        var api = new JobsClient(host.CreateClient());

        try
        {
            var jobId = await api.SubmitAsync(JobsClient.FileJob(export.Path, dataTypes: ["CampaignData"]));

            // A non-blocking open for writing succeeds only once the pipe has a reader: the preflight, waiting in its open.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            int a;
            while ((a = open(pipeA, O_WRONLY | O_NONBLOCK)) < 0)
            {
                Assert.Equal(ENXIO, Marshal.GetLastPInvokeError());
                Assert.True(DateTime.UtcNow < deadline, "the preflight did not open the file");
                await Task.Delay(10);
            }
            File.Move(pipeB, file, overwrite: true);
            using (var preflight = new FileStream(new SafeFileHandle(a, ownsHandle: true), FileAccess.Write, bufferSize: 0))
            {
                preflight.Write(System.Text.Encoding.UTF8.GetBytes(Header + Row(0)));
            }
            var writer = Task.Run(async () =>
            {
                try
                {
                    await using var pipe = new FileStream(file, FileMode.Open, FileAccess.Write);   // waits for the extraction
                    await using var text = new StreamWriter(pipe, new System.Text.UTF8Encoding(false));
                    await text.WriteAsync(Header);
                    for (var i = 0; i < Campaigns; i++)
                    {
                        if (i == Before)
                        {
                            await text.FlushAsync();
                            await resume.Task;
                        }
                        await text.WriteAsync(Row(i));
                    }
                    await text.FlushAsync();
                    return false;
                }
                catch (IOException)
                {
                    return true; // the job stopped reading and closed the pipe
                }
            });

            await Poll.UntilAsync(async () => (await api.GetAsync(jobId))["progress"]!["recordsRead"]!.GetValue<long>() >= Before / 2,
                TimeSpan.FromSeconds(60), "the read to be under way");
            await api.CancelAsync(jobId);
            resume.SetResult();
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
            Assert.True(await writer.WaitAsync(TimeSpan.FromSeconds(30)), "the job read the pipe to its end");
        }
        finally
        {
            resume.TrySetResult();
            Directory.Delete(pipes, recursive: true);
        }
    }

    private const int O_WRONLY = 1, O_NONBLOCK = 0x800, ENXIO = 6;

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string link);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

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
