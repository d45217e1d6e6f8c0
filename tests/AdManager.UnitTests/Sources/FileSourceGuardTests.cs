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
}
