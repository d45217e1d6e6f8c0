using System.Net;
using System.Reflection;
using AdManager.IntegrationTests.Infrastructure;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;

namespace AdManager.IntegrationTests.FaultTolerance;

/// <summary>
/// api.md: cancel answers 202 "while the job is not final; the job stops at the next batch boundary and ends Cancelled".
/// That holds in Validating too: the job ends Cancelled, not Completed, with everything it loaded. The DynamoDB read-back
/// is held at a gate so the cancel lands in Validating every time.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CancelDuringValidationTests(TestStack stack)
{
    [Fact]
    public async Task A_cancel_accepted_in_Validating_ends_the_job_Cancelled()
    {
        using var export = new CatalogExport(products: 120);
        var gate = new ReadGate();
        await using var host = new MigrationHost(stack, "cancel-validate-" + export.P, services: services =>
            services.AddSingleton(gate.Wrap(stack.Dynamo)));
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(JobsClient.FileJob(export.Directory.Path, dataTypes: ["ProductCatalogData"]));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("InProgress:Validating", (await api.GetAsync(jobId))["status"]!.GetValue<string>());
        using (var cancel = await api.Http.PostAsync($"{JobsClient.Jobs}/{jobId}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        }
        gate.Open();
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        var report = await api.ReportAsync(jobId);
        Assert.Equal(export.Products, report["entities"]!["products"]!["loaded"]!.GetValue<long>());
    }

    /// <summary>Holds DynamoDB reads (validation's Query and BatchGetItem) until opened; everything else goes straight through.</summary>
    private sealed class ReadGate
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public IAmazonDynamoDB Wrap(IAmazonDynamoDB inner)
        {
            var proxy = DispatchProxy.Create<IAmazonDynamoDB, GatedDynamo>();
            ((GatedDynamo)(object)proxy).Init(inner, this);
            return proxy;
        }

        internal async Task<T> AfterOpenAsync<T>(Func<Task<T>> call)
        {
            Reached.TrySetResult();
            await _open.Task;
            return await call();
        }
    }

    public class GatedDynamo : DispatchProxy
    {
        private static readonly MethodInfo After = typeof(GatedDynamo).GetMethod(nameof(AfterOpen), BindingFlags.NonPublic | BindingFlags.Instance)!;
        private IAmazonDynamoDB _inner = null!;
        private object _gate = null!;

        internal void Init(IAmazonDynamoDB inner, object gate)
        {
            _inner = inner;
            _gate = gate;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name is "QueryAsync" or "BatchGetItemAsync" && method.ReturnType.IsGenericType)
                return After.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(this, [method, args]);
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }

        private Task<T> AfterOpen<T>(MethodInfo method, object?[]? args) =>
            ((ReadGate)_gate).AfterOpenAsync(() => (Task<T>)method.Invoke(_inner, args)!);
    }
}
