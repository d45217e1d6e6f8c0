using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Security;

/// <summary><c>Sources:File:AllowedRoots</c> over HTTP: only locations really under a root are accepted.</summary>
[Collection(StackCollection.Name)]
public sealed class SourceRootTests(TestStack stack) : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("allowed-root-");
    private readonly DirectoryInfo _outside = Directory.CreateTempSubdirectory("outside-root-");
    private MigrationHost _host = null!;

    public Task InitializeAsync()
    {
        _root.CreateSubdirectory("export");
        File.WriteAllText(Path.Combine(_root.FullName, "export", "catalogs.csv"), "catalog_id,merchant_id,catalog_name,country,default_currency,last_modified\n");
        Directory.CreateSymbolicLink(Path.Combine(_root.FullName, "escape"), _outside.FullName);
        Directory.CreateSymbolicLink(Path.Combine(_root.FullName, "inner-link"), Path.Combine(_root.FullName, "export"));
        _host = new MigrationHost(stack, "roots-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string?>
        {
            ["Sources:File:AllowedRoots:0"] = _root.FullName,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _root.Delete(true);
        _outside.Delete(true);
    }

    [Theory]
    [InlineData("export")]
    [InlineData("inner-link")]
    public async Task Locations_under_an_allowed_root_are_accepted(string relative)
    {
        using var response = await SubmitAsync(Path.Combine(_root.FullName, relative));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("{outside}")]
    [InlineData("{root}/export/../../{outsideName}")]
    [InlineData("{root}/export/..")]
    [InlineData("{root}/escape")]
    [InlineData("{root}/escape/deeper")]
    [InlineData("{root}-sibling")]
    [InlineData("/etc")]
    public async Task Locations_outside_every_root_are_400_on_source_location(string template)
    {
        var location = template.Replace("{root}", _root.FullName).Replace("{outsideName}", _outside.Name).Replace("{outside}", _outside.FullName);
        using var response = await SubmitAsync(location);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]!["source.location"]);
    }

    private Task<HttpResponseMessage> SubmitAsync(string location) =>
        _host.CreateClient().PostAsJsonAsync(JobsClient.Jobs, JobsClient.FileJob(location, dataTypes: ["ProductCatalogData"]));
}
