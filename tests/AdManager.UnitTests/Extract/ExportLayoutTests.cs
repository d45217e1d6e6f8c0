using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;

namespace AdManager.UnitTests.Extract;

/// <summary>Finding the entity files of an export directory.</summary>
public class ExportLayoutTests
{
    private static readonly string[] Both = ["CampaignData", "ProductCatalogData"];

    private static TempDir DirWith(params string[] names)
    {
        var dir = new TempDir();
        foreach (var name in names)
        {
            dir.Write(name, "x");
        }

        return dir;
    }

    [Fact]
    public void Finds_each_entity_file_whatever_its_format()
    {
        using var dir = DirWith("campaigns.csv", "campaign_performance.ndjson.gz", "catalogs.ndjson", "products.csv.gz", "README.txt");

        var found = ExportLayout.Discover(dir.Path, Both);

        Assert.Equal(
            new Dictionary<EntityKind, string>
            {
                [EntityKind.Campaigns] = Path.Combine(dir.Path, "campaigns.csv"),
                [EntityKind.CampaignPerformance] = Path.Combine(dir.Path, "campaign_performance.ndjson.gz"),
                [EntityKind.Catalogs] = Path.Combine(dir.Path, "catalogs.ndjson"),
                [EntityKind.Products] = Path.Combine(dir.Path, "products.csv.gz"),
            },
            found);
    }

    [Fact]
    public void Absent_entity_file_is_left_out_when_its_data_type_has_another_file()
    {
        using var dir = DirWith("campaign_performance.csv", "products.ndjson");

        var found = ExportLayout.Discover(dir.Path, Both);

        Assert.Equal([EntityKind.CampaignPerformance, EntityKind.Products], found.Keys.Order());
    }

    [Theory]
    [InlineData("campaigns.csv", "campaigns.ndjson")]
    [InlineData("campaigns.csv", "campaigns.csv.gz")]
    [InlineData("campaigns.ndjson", "campaigns.ndjson.gz")]
    [InlineData("products.csv.gz", "products.ndjson.gz")]
    public void Two_files_for_one_entity_fail_and_name_both(string first, string second)
    {
        using var dir = DirWith(first, second, "campaign_performance.csv", "catalogs.csv");

        var ex = Assert.Throws<ExportFileException>(() => ExportLayout.Discover(dir.Path, Both));

        Assert.Contains(first, ex.Message);
        Assert.Contains(second, ex.Message);
        Assert.Contains(dir.Path, ex.Message);
    }

    [Fact]
    public void Only_requested_data_types_are_considered()
    {
        using var dir = DirWith("campaigns.csv", "products.csv", "products.ndjson");

        var found = ExportLayout.Discover(dir.Path, ["CampaignData"]);

        Assert.Equal([EntityKind.Campaigns], found.Keys);
    }

    [Fact]
    public void Requested_data_type_without_any_of_its_files_fails()
    {
        using var dir = DirWith("campaigns.csv");

        var ex = Assert.Throws<ExportFileException>(() => ExportLayout.Discover(dir.Path, Both));

        Assert.Contains("ProductCatalogData", ex.Message);
        Assert.Contains("catalogs.csv", ex.Message);
        Assert.Contains("products.ndjson.gz", ex.Message);
    }

    [Fact]
    public void A_directory_named_like_the_only_entity_file_is_named_as_a_directory()
    {
        using var dir = DirWith("catalogs.csv");
        Directory.CreateDirectory(Path.Combine(dir.Path, "campaigns.csv"));

        var ex = Assert.Throws<ExportFileException>(() => ExportLayout.Discover(dir.Path, ["CampaignData"]));

        Assert.Contains("no file for data type 'CampaignData'", ex.Message);
        Assert.EndsWith("campaigns.csv is a directory, not a file.", ex.Message);
    }

    [Theory]
    [InlineData("Campaigns.csv")]
    [InlineData("campaigns.CSV")]
    [InlineData("CAMPAIGN_PERFORMANCE.NDJSON")]
    [InlineData("campaigns.csv.GZ")]
    public void File_names_are_case_sensitive(string name)
    {
        using var dir = DirWith(name, "catalogs.csv");

        var ex = Assert.Throws<ExportFileException>(() => ExportLayout.Discover(dir.Path, Both));

        Assert.Contains("CampaignData", ex.Message);
        Assert.Contains($"Found {name}", ex.Message);
        Assert.Contains("case-sensitive", ex.Message);
    }

    [Fact]
    public void Wrong_case_file_beside_the_right_one_is_ignored()
    {
        using var dir = DirWith("campaigns.csv", "Campaigns.csv", "campaigns.Csv.gz", "catalogs.csv");

        var found = ExportLayout.Discover(dir.Path, Both);

        Assert.Equal(Path.Combine(dir.Path, "campaigns.csv"), found[EntityKind.Campaigns]);
    }

    [Fact]
    public void Look_alike_names_and_directories_do_not_count()
    {
        using var dir = DirWith("campaigns.csv.bak", "campaigns.txt", "old_campaigns.csv", "campaigns.csv.zip", "catalogs.csv");
        Directory.CreateDirectory(Path.Combine(dir.Path, "campaigns.csv"));
        File.WriteAllText(Path.Combine(dir.Path, "campaigns.csv", "campaign_performance.csv"), "x");

        var ex = Assert.Throws<ExportFileException>(() => ExportLayout.Discover(dir.Path, Both));

        Assert.Contains("'CampaignData'", ex.Message);
    }

    [Fact]
    public void Missing_directory_fails()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "nope");

        var ex = Assert.Throws<ExportFileException>(() => ExportLayout.Discover(missing, Both));

        Assert.Contains(missing, ex.Message);
        Assert.Contains("does not exist", ex.Message);
    }

    [Fact]
    public void Directory_path_that_is_a_file_fails()
    {
        using var dir = DirWith("campaigns.csv");
        var file = Path.Combine(dir.Path, "campaigns.csv");

        var ex = Assert.Throws<ExportFileException>(() => ExportLayout.Discover(file, Both));

        Assert.Contains("not a directory", ex.Message);
    }

    [Fact]
    public void Unknown_data_type_is_a_caller_error()
    {
        using var dir = DirWith("campaigns.csv");

        Assert.Throws<ArgumentException>(() => ExportLayout.Discover(dir.Path, ["campaigndata"]));
    }

    [Fact]
    public void No_requested_data_type_finds_nothing()
    {
        using var dir = DirWith("campaigns.csv", "campaigns.ndjson");

        Assert.Empty(ExportLayout.Discover(dir.Path, []));
    }
}
