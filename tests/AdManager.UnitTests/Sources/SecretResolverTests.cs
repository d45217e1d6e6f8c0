using System.ComponentModel.DataAnnotations;
using AdManager.Grains.Pipeline.Sources;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AdManager.UnitTests.Sources;

public sealed class SecretResolverTests : IDisposable
{
    private readonly DirectoryInfo _mount = Directory.CreateTempSubdirectory("secrets-");
    private readonly DirectoryInfo _outside = Directory.CreateTempSubdirectory("secrets-outside-");

    public void Dispose()
    {
        _mount.Delete(true);
        _outside.Delete(true);
    }

    private SecretResolver Resolver(Dictionary<string, string?>? settings = null, string? directory = null) => new(
        new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build(),
        Options.Create(new SecretsOptions { Directory = directory }));

    [Fact]
    public void A_secret_in_configuration_is_found_by_its_name()
    {
        var resolver = Resolver(new() { ["Secrets:legacydb"] = "Host=db;Password=p" });
        Assert.Equal("Host=db;Password=p", resolver.Resolve("legacydb"));
        Assert.Null(resolver.Resolve("otherdb"));
    }

    [Fact]
    public void The_environment_variable_form_is_the_same_setting()
    {
        const string variable = "Secrets__admanager_unit_test_secret";
        Environment.SetEnvironmentVariable(variable, "Host=env");
        try
        {
            var resolver = new SecretResolver(new ConfigurationBuilder().AddEnvironmentVariables().Build(), Options.Create(new SecretsOptions()));
            Assert.Equal("Host=env", resolver.Resolve("admanager_unit_test_secret"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void A_mounted_secret_file_is_read_and_its_trailing_newline_dropped()
    {
        File.WriteAllText(Path.Combine(_mount.FullName, "legacydb"), "Host=file;Password=p\n");
        Assert.Equal("Host=file;Password=p", Resolver(directory: _mount.FullName).Resolve("legacydb"));
    }

    [Fact]
    public void A_rotated_mounted_secret_is_read_again()
    {
        var file = Path.Combine(_mount.FullName, "legacydb");
        var resolver = Resolver(directory: _mount.FullName);
        File.WriteAllText(file, "Host=old");
        Assert.Equal("Host=old", resolver.Resolve("legacydb"));
        File.WriteAllText(file, "Host=new");
        Assert.Equal("Host=new", resolver.Resolve("legacydb"));
    }

    [Fact]
    public void A_kubernetes_style_symbolic_link_into_the_data_directory_is_followed()
    {
        var data = _mount.CreateSubdirectory("..2024_01_01");
        File.WriteAllText(Path.Combine(data.FullName, "legacydb"), "Host=k8s");
        File.CreateSymbolicLink(Path.Combine(_mount.FullName, "legacydb"), Path.Combine(data.FullName, "legacydb"));
        Assert.Equal("Host=k8s", Resolver(directory: _mount.FullName).Resolve("legacydb"));
    }

    [Fact]
    public void Configuration_wins_over_the_mounted_file()
    {
        File.WriteAllText(Path.Combine(_mount.FullName, "legacydb"), "Host=file");
        Assert.Equal("Host=config", Resolver(new() { ["Secrets:legacydb"] = "Host=config" }, _mount.FullName).Resolve("legacydb"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("..data")]
    [InlineData("a/b")]
    public void Names_that_are_not_a_plain_file_in_the_directory_resolve_to_nothing(string name)
    {
        File.WriteAllText(Path.Combine(_mount.CreateSubdirectory("a").FullName, "b"), "Host=nested");
        File.WriteAllText(Path.Combine(_mount.CreateSubdirectory("..data").FullName, "x"), "Host=internal");
        Assert.Null(Resolver(directory: _mount.FullName).Resolve(name));
    }

    [Fact]
    public void A_name_cannot_climb_out_of_the_secrets_directory()
    {
        File.WriteAllText(Path.Combine(_outside.FullName, "outside"), "Host=leak");
        var climbing = $"../{_outside.Name}/outside";
        Assert.True(File.Exists(Path.Combine(_mount.FullName, climbing)));
        Assert.Null(Resolver(directory: _mount.FullName).Resolve(climbing));
    }

    [Fact]
    public void The_directory_setting_is_not_a_secret()
    {
        var resolver = Resolver(new() { ["Secrets:Directory"] = _mount.FullName }, _mount.FullName);
        Assert.Null(resolver.Resolve("Directory"));
        Assert.Null(resolver.Resolve("directory"));
    }

    [Fact]
    public void An_empty_secret_counts_as_missing()
    {
        File.WriteAllText(Path.Combine(_mount.FullName, "empty"), "\n");
        Assert.Null(Resolver(new() { ["Secrets:blank"] = " " }, _mount.FullName).Resolve("blank"));
        Assert.Null(Resolver(directory: _mount.FullName).Resolve("empty"));
    }

    [Fact]
    public void A_relative_secrets_directory_is_refused_at_start()
    {
        var results = new List<ValidationResult>();
        var options = new SecretsOptions { Directory = "secrets" };
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains("absolute", Assert.Single(results).ErrorMessage);
    }
}
