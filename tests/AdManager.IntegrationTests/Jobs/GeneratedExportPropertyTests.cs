using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;
using AdManager.Testing.Exports;
using CsCheck;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>
/// Generated exports with rejects, duplicates, orphans and out-of-scope merchants, each run as a job through the HTTP API
/// on the real stack: per entity <c>read = skippedOutOfScope + rejected + superseded + loaded</c>, and the report, the
/// rejections and the targets are exactly what a plain model of the spec computes. Few and small, so the suite stays fast.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class GeneratedExportPropertyTests(TestStack stack)
{
    private static readonly string[] Entities = ["campaigns", "campaign_performance", "catalogs", "products"];

    private sealed record Run(GeneratedExport Export, int BatchSize, double MaxRejectedRatio, bool DryRun)
    {
        public override string ToString() => $"batchSize {BatchSize}, maxRejectedRatio {MaxRejectedRatio}, dryRun {DryRun}\n{Export}";
    }

    [Fact]
    public async Task Every_generated_export_is_accounted_for_record_by_record_in_the_report_the_rejections_and_the_targets()
    {
        var prefix = "g" + Guid.NewGuid().ToString("N")[..6] + "-";
        await using var host = new MigrationHost(stack, "generated-" + prefix);
        var api = new JobsClient(host.CreateClient());
        var gen =
            from export in ExportGen.Export(prefix, maxRecords: 10)
            from batchSize in Gen.OneOf(1, 3, 1000)
            from ratio in Gen.OneOf(1.0, 1.0, 0.5, 0.2)
            from dryRun in Gen.Frequency((5, Gen.Const(false)), (1, Gen.Const(true)))
            select new Run(export, batchSize, ratio, dryRun);

        await gen.SampleAsync(run => RunAndCompareAsync(api, run), iter: 10, threads: 1, print: run => run.ToString());
    }

    private async Task RunAndCompareAsync(JobsClient api, Run run)
    {
        using var directory = new ExportDirectory();
        var written = run.Export.WriteTo(directory.Path);
        var expected = run.Export.Expected(written);

        var jobId = await api.SubmitAsync(JobsClient.FileJob(directory.Path, [.. run.Export.Scope], batchSize: run.BatchSize,
            dryRun: run.DryRun, maxRejectedRatio: run.MaxRejectedRatio));
        var (job, _) = await api.WaitForFinalAsync(jobId);
        var report = await api.ReportAsync(jobId);

        var rejected = expected.Counts.Values.Sum(c => c.Rejected);
        var considered = expected.Counts.Values.Sum(c => c.Read - c.SkippedOutOfScope);
        var overThreshold = considered > 0 && (double)rejected / considered > run.MaxRejectedRatio;
        var status = overThreshold ? "Failed" : rejected > 0 ? "CompletedWithErrors" : "Completed";
        Assert.True(status == job["status"]!.GetValue<string>(), $"expected {status}: {job["error"]}");

        foreach (var (entity, counts) in expected.Counts)
        {
            var e = report["entities"]![ExportColumns.Name(entity)]!;
            // The identity holds for every final report; over the threshold `loaded` is what would have been loaded.
            Assert.Equal(
                $"{counts.Read} = {counts.SkippedOutOfScope} + {counts.Rejected} + {counts.Superseded} + {counts.Loaded}",
                $"{L(e, "read")} = {L(e, "skippedOutOfScope")} + {L(e, "rejected")} + {L(e, "superseded")} + {L(e, "loaded")}");
            Assert.Equal(counts.RejectedByReason, e["rejectedByReason"]!.AsObject().ToDictionary(r => r.Key, r => r.Value!.GetValue<long>()));
            Assert.Equal(overThreshold ? 0 : counts.Loaded, L(e, "verified"));
        }

        var rejections = (await api.AllRejectionsAsync(jobId, pageSize: 7))
            .Select(r => new ModelRejection(r["entity"]!.GetValue<string>(), L(r, "line"), r["key"]?.GetValue<string>(), r["reason"]!.GetValue<string>()));
        Assert.Equal(expected.Rejections.OrderBy(r => Array.IndexOf(Entities, r.Entity)).ThenBy(r => r.Line), rejections);

        var warnings = report["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Equal(expected.UnknownNames.Count, warnings.Count);
        Assert.All(expected.UnknownNames, n => Assert.Single(warnings, w => w.StartsWith(n.File + ":", StringComparison.Ordinal) && w.Contains($"'{n.Name}'")));

        var targets = await TargetContents.ReadAsync(stack, jobId);
        if (overThreshold || run.DryRun)
        {
            Assert.Equal(0, targets.Count);
            return;
        }

        Assert.True(report["validation"]!["passed"]!.GetValue<bool>());
        Assert.Equal(
            [L(report["entities"]!["campaigns"]!, "loaded"), L(report["entities"]!["campaign_performance"]!, "loaded"),
             L(report["entities"]!["catalogs"]!, "loaded"), L(report["entities"]!["products"]!, "loaded")],
            [targets.Campaigns.Count, targets.Performance.Count, targets.Catalogs.Count, targets.Products.Count]);
        var campaigns = new List<StoredCampaign>();
        foreach (var c in expected.Campaigns)
        {
            campaigns.Add(c with { TargetingJson = await TargetContents.JsonbTextAsync(stack, c.TargetingJson), SourceModifiedAt = TargetContents.Microseconds(c.SourceModifiedAt) });
        }

        Assert.Equal(campaigns.OrderBy(c => c.Key, StringComparer.Ordinal), targets.Campaigns.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Catalogs.Select(c => c with { SourceModifiedAt = TargetContents.Microseconds(c.SourceModifiedAt) }).OrderBy(c => c.Key, StringComparer.Ordinal),
            targets.Catalogs.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Performance.OrderBy(p => p.Key, StringComparer.Ordinal), targets.Performance.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Products.OrderBy(p => p.Key, StringComparer.Ordinal), targets.Products.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    private static long L(JsonNode node, string name) => node[name]!.GetValue<long>();
}
