using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Sources;
using Microsoft.Extensions.Options;

namespace AdManager.UnitTests.Sources;

public sealed class FileSourceGuardTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("guard-root-");
    private readonly DirectoryInfo _outside = Directory.CreateTempSubdirectory("guard-outside-");

    public void Dispose()
    {
        _root.Delete(true);
        _outside.Delete(true);
    }

    private FileSourceGuard Guard(params string[] roots) => new(Options.Create(new FileSourceOptions { AllowedRoots = [.. roots] }));

    [Fact]
    public void A_directory_under_an_allowed_root_is_accepted()
    {
        var inside = _root.CreateSubdirectory("exports/2024");
        Assert.Null(Guard(_root.FullName).Problem(inside.FullName));
        Assert.Equal(inside.FullName, Guard(_root.FullName).Resolve(inside.FullName));
    }

    [Theory]
    [InlineData("relative/path", "absolute")]
    [InlineData("", "required")]
    [InlineData("/tmp/\0/etc", "control characters")]
    public void Relative_empty_or_garbled_locations_are_refused(string location, string reason) =>
        Assert.Contains(reason, Guard().Problem(location));

    [Fact]
    public void Unpaired_surrogates_are_refused() =>
        Assert.Contains("invalid Unicode", Guard().Problem("/tmp/" + (char)0xD800 + "x"));

    [Fact]
    public void Dot_dot_segments_are_refused_even_when_they_stay_inside() =>
        Assert.Contains("..", Guard(_root.FullName).Problem(Path.Combine(_root.FullName, "a", "..", "b")));

    [Fact]
    public void A_sibling_directory_sharing_the_root_prefix_is_outside()
    {
        var sibling = Directory.CreateDirectory(_root.FullName + "-evil");
        try
        {
            Assert.Contains("outside", Guard(_root.FullName).Problem(sibling.FullName));
            // Named, so an administrator knows where exports go.
            Assert.Contains($"({_root.FullName})", Guard(_root.FullName).Problem(sibling.FullName));
        }
        finally
        {
            sibling.Delete();
        }
    }

    [Fact]
    public void A_symbolic_link_leading_out_of_the_root_is_refused()
    {
        var link = Path.Combine(_root.FullName, "escape");
        Directory.CreateSymbolicLink(link, _outside.FullName);
        Assert.Contains("outside", Guard(_root.FullName).Problem(link));
        Assert.Contains("outside", Guard(_root.FullName).Problem(Path.Combine(link, "deeper")));
    }

    [Fact]
    public void Without_configured_roots_any_absolute_directory_is_allowed() =>
        Assert.Null(Guard().Problem(_outside.FullName));

    [Fact]
    public void A_missing_directory_fails_resolution_with_a_clear_message()
    {
        var missing = Path.Combine(_root.FullName, "nope");
        var ex = Assert.ThrowsAny<Exception>(() => Guard(_root.FullName).Resolve(missing));
        Assert.Contains("does not exist", ex.Message);
    }

    private const string CampaignsHeader = "merchant_id,campaign_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json,last_modified\n";

    private string Export(string name = "export") => _root.CreateSubdirectory(name).FullName;

    /// <summary>Why the export's campaigns file is refused when opened (the preflight opens every file before any record is read).</summary>
    private static string EntityFilesProblem(FileSourceGuard guard, string export) =>
        Assert.Throws<ExportFileException>(() => guard.OpenEntityFile(guard.EntityFiles(export, ["CampaignData"]).Values.Single())).Message;

    [Fact]
    public void An_entity_file_linked_to_a_file_outside_the_roots_is_refused_and_one_inside_is_read()
    {
        var secret = Path.Combine(_outside.FullName, "secret.csv");
        File.WriteAllText(secret, CampaignsHeader);
        var export = Export();
        File.CreateSymbolicLink(Path.Combine(export, "campaigns.csv"), secret);
        Assert.Equal("campaigns.csv: leads outside the allowed source roots", EntityFilesProblem(Guard(_root.FullName), export));

        // A link to a file inside a root is an ordinary way to lay out exports; without roots any file may be read.
        var shared = Path.Combine(_root.FullName, "shared.csv");
        File.WriteAllText(shared, CampaignsHeader);
        var inside = Export("inside");
        File.CreateSymbolicLink(Path.Combine(inside, "campaigns.csv"), shared);
        var guard = Guard(_root.FullName);
        using (guard.OpenEntityFile(guard.EntityFiles(inside, ["CampaignData"]).Values.Single())) { }
        using (Guard().OpenEntityFile(Guard().EntityFiles(export, ["CampaignData"]).Values.Single())) { }
    }

    [Fact]
    public void A_link_through_a_linked_directory_out_of_the_roots_is_refused()
    {
        File.WriteAllText(Path.Combine(_outside.FullName, "c.csv"), CampaignsHeader);
        var hop = Path.Combine(_root.FullName, "hop");
        Directory.CreateSymbolicLink(hop, _outside.FullName);
        var export = Export();
        File.CreateSymbolicLink(Path.Combine(export, "campaigns.csv"), Path.Combine(hop, "c.csv"));
        Assert.Contains("outside the allowed source roots", EntityFilesProblem(Guard(_root.FullName), export));
    }

    [Fact]
    public void A_named_pipe_or_a_device_is_refused_before_it_is_opened()
    {
        var pipe = Export("pipe");
        Assert.Equal(0, mkfifo(Path.Combine(pipe, "campaigns.csv"), 0x180));
        Assert.Equal("campaigns.csv: is a named pipe, not a regular file", EntityFilesProblem(Guard(), pipe));

        var device = Export("device");
        File.CreateSymbolicLink(Path.Combine(device, "campaigns.csv"), "/dev/zero");
        Assert.Equal("campaigns.csv: is a character device, not a regular file", EntityFilesProblem(Guard(), device));
        Assert.Contains("outside the allowed source roots", EntityFilesProblem(Guard(_root.FullName), device));
    }

    [Fact]
    public void Dangling_and_looping_links_say_so()
    {
        var dangling = Export("dangling");
        File.CreateSymbolicLink(Path.Combine(dangling, "campaigns.csv"), Path.Combine(_root.FullName, "gone.csv"));
        Assert.Equal("campaigns.csv: cannot be opened (No such file or directory)", EntityFilesProblem(Guard(), dangling));

        var loop = Export("loop");
        File.CreateSymbolicLink(Path.Combine(loop, "campaigns.csv"), Path.Combine(loop, "campaigns.csv"));
        Assert.Equal("campaigns.csv: cannot be opened (Too many levels of symbolic links)", EntityFilesProblem(Guard(), loop));
    }

    /// <summary>
    /// <c>campaigns.csv -> d/../x</c> with <c>d -> outside</c>: judged by its text the link leads to the decoy <c>x</c>
    /// beside it, but the kernel follows <c>d</c> first and opens <c>outside/../x</c>. The open file is judged instead.
    /// </summary>
    [Fact]
    public void A_link_whose_text_reads_inside_but_leads_outside_is_refused_when_opened()
    {
        var secretParent = Directory.CreateDirectory(Path.Combine(_outside.FullName, "deep")).FullName;
        File.WriteAllText(Path.Combine(_outside.FullName, "x"), CampaignsHeader + "OUTSIDE\n");
        var export = Export();
        File.WriteAllText(Path.Combine(export, "x"), CampaignsHeader);   // the decoy the text points at
        Directory.CreateSymbolicLink(Path.Combine(export, "d"), secretParent);
        File.CreateSymbolicLink(Path.Combine(export, "campaigns.csv"), "d/../x");
        var guard = Guard(_root.FullName);

        Assert.Equal("campaigns.csv: leads outside the allowed source roots", EntityFilesProblem(guard, export));
    }

    [Fact]
    public async Task A_file_swapped_for_a_pipe_after_the_check_is_refused_when_opened_without_blocking()
    {
        var export = Export();
        var file = Path.Combine(export, "campaigns.csv");
        File.WriteAllText(file, CampaignsHeader);
        var guard = Guard(_root.FullName);
        var path = guard.EntityFiles(export, ["CampaignData"]).Values.Single();
        File.Delete(file);
        Assert.Equal(0, mkfifo(file, 0x180));

        var refused = await Assert.ThrowsAsync<ExportFileException>(() => Task.Run(() => guard.OpenEntityFile(path)).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("campaigns.csv: is a named pipe, not a regular file", refused.Message);
    }

    [Fact]
    public void A_regular_file_inside_the_roots_opens()
    {
        var export = Export();
        File.WriteAllText(Path.Combine(export, "campaigns.csv"), CampaignsHeader);
        var guard = Guard(_root.FullName);
        using var stream = guard.OpenEntityFile(guard.EntityFiles(export, ["CampaignData"]).Values.Single());
        Assert.Equal((byte)'m', (byte)stream.ReadByte());
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);
}
