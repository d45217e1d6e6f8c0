using AdManager.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace AdManager.UnitTests.Hosting;

public sealed class MigrationSiloOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Pod_environment_names_the_silo_and_its_address_and_sets_the_cluster_identity()
    {
        var options = MigrationSiloOptions.From(Config(
            ("POD_NAME", "admanager-migration-7d9f-x2"), ("POD_IP", "10.1.2.3"),
            ("ORLEANS_SERVICE_ID", "admanager-migration"), ("ORLEANS_CLUSTER_ID", "admanager-prod"),
            ("Orleans:ClusterId", "admanager-local")));

        Assert.Equal(("admanager-migration-7d9f-x2", "10.1.2.3", "admanager-migration", "admanager-prod"),
            (options.SiloName, options.AdvertisedIP, options.ServiceId, options.ClusterId));
        Assert.Equal(System.Net.IPAddress.Parse("10.1.2.3"), options.AdvertisedAddress);
    }

    [Fact]
    public void Explicit_silo_name_and_address_win_over_the_pod_environment()
    {
        var options = MigrationSiloOptions.From(Config(
            ("POD_NAME", "pod"), ("POD_IP", "10.1.2.3"), ("Orleans:SiloName", "silo-1"), ("Orleans:AdvertisedIP", "127.0.0.1")));

        Assert.Equal(("silo-1", "127.0.0.1"), (options.SiloName, options.AdvertisedIP));
    }

    [Fact]
    public void Shutdown_timeout_is_read_from_configuration_with_a_two_minute_default()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), MigrationSiloOptions.From(Config()).ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), MigrationSiloOptions.From(Config(("Orleans:ShutdownTimeout", "00:00:45"))).ShutdownTimeout);
    }

    [Theory]
    [InlineData("Mode", "Clustered", "Orleans:Mode must be Local or Cluster")]
    [InlineData("AdvertisedIP", "pod-ip", "is not an IP address")]
    [InlineData("GatewayPort", "11111", "must differ")]
    public void Validator_rejects_settings_the_silo_could_not_start_with(string key, string value, string message)
    {
        var options = MigrationSiloOptions.From(Config(($"Orleans:{key}", value)));

        var result = new MigrationSiloOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void Validator_accepts_the_defaults_and_a_cluster_on_a_pod_address()
    {
        Assert.True(new MigrationSiloOptionsValidator().Validate(null, new MigrationSiloOptions()).Succeeded);
        var cluster = MigrationSiloOptions.From(Config(("Orleans:Mode", "Cluster"), ("POD_IP", "fd00::12")));
        Assert.True(new MigrationSiloOptionsValidator().Validate(null, cluster).Succeeded);
    }
}
