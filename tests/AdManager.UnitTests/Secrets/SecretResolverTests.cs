using AdManager.Grains.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AdManager.UnitTests.Secrets;

public sealed class SecretResolverTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("secrets-");

    public void Dispose() => _directory.Delete(true);

    private ConfigurationSecretResolver Resolver(Dictionary<string, string?>? configured = null, string? directory = null) => new(
        new ConfigurationBuilder().AddInMemoryCollection(configured ?? []).Build(),
        Options.Create(new SecretStoreOptions { Directory = directory ?? _directory.FullName }),
        NullLogger<ConfigurationSecretResolver>.Instance);

    [Fact]
    public void Configuration_is_read_first()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "legacydb"), "from-file");
        var secret = Resolver(new() { ["Secrets:legacydb"] = "from-config" }).Resolve("legacydb");
        Assert.Equal("from-config", secret.Reveal());
    }

    [Fact]
    public void A_file_in_the_directory_is_read_without_its_trailing_newline()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "legacy.db"), "Password=p4ss\r\n");
        Assert.Equal("Password=p4ss", Resolver().Resolve("legacy.db").Reveal());
    }

    [Fact]
    public void A_missing_secret_throws_naming_only_the_reference()
    {
        var ex = Assert.Throws<SecretNotFoundException>(() => Resolver(new() { ["Secrets:other"] = "v4lue" }).Resolve("legacydb"));
        Assert.Contains("'legacydb'", ex.Message);
        Assert.DoesNotContain("v4lue", ex.Message);
    }

    [Fact]
    public void An_empty_or_oversized_file_is_not_a_secret()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "empty"), "\n");
        File.WriteAllText(Path.Combine(_directory.FullName, "huge"), new string('x', 100_000));
        // Each says what is wrong with the file that is there, not that there is none.
        Assert.Equal("the secret file 'empty' is empty", Assert.Throws<SecretNotFoundException>(() => Resolver().Resolve("empty")).Message);
        Assert.Equal("the secret file 'huge' is larger than 64 KiB, too large for a connection string",
            Assert.Throws<SecretNotFoundException>(() => Resolver().Resolve("huge")).Message);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../etc/passwd")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("Host=db;Password=x")]
    public void Names_that_are_not_plain_file_names_are_refused(string name)
    {
        Assert.False(ConfigurationSecretResolver.IsValidName(name));
        Assert.Throws<ArgumentException>(() => Resolver().Resolve(name));
    }

    [Fact]
    public void A_secret_value_does_not_show_when_formatted()
    {
        var secret = Resolver(new() { ["Secrets:legacydb"] = "p4ss" }).Resolve("legacydb");
        Assert.Equal("[secret legacydb]", $"{secret}");
    }
}
