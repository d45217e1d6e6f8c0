using System.Text.Json.Nodes;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.FaultTolerance;

internal static class FaultAssertions
{
    /// <summary>Every status change the job recorded is one the life cycle allows, and none repeats.</summary>
    public static void HistoryIsLegal(JsonNode job)
    {
        var history = JobsClient.History(job);
        Assert.Equal("Submitted", history[0]);
        for (var i = 1; i < history.Count; i++)
        {
            Assert.True(JobStatusExtensions.TryParseWire(history[i - 1], out var from));
            Assert.True(JobStatusExtensions.TryParseWire(history[i], out var to));
            Assert.True(from.CanMoveTo(to), $"illegal transition {history[i - 1]} -> {history[i]} in [{string.Join(", ", history)}]");
        }
    }

    /// <summary>The targets hold exactly the report's loaded records, once each, all written by this job.</summary>
    public static async Task TargetsMatchReportAsync(TestStack stack, CatalogExport export, JsonNode report, Guid jobId)
    {
        var catalogs = await Targets.CatalogRowsAsync(stack, export.P);
        var products = await Targets.ProductItemsAsync(stack, export.P);
        Assert.Equal(report["entities"]!["catalogs"]!["loaded"]!.GetValue<long>(), catalogs.Count);
        Assert.Equal(report["entities"]!["products"]!["loaded"]!.GetValue<long>(), products.Count);
        Assert.Equal(catalogs.Count, catalogs.Select(c => c.Id).Distinct().Count());
        Assert.Equal(products.Count, products.Select(p => p["CatalogId"].S + "/" + p["ProductId"].S).Distinct().Count());
        Assert.All(catalogs, c => Assert.Equal(jobId, c.JobId));
        Assert.All(products, p => Assert.Equal(jobId.ToString(), p["MigrationJobId"].S));
    }
}
