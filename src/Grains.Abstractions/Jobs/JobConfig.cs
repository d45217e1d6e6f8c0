namespace AdManager.Grains.Abstractions.Jobs;

/// <summary>Where the legacy data comes from. Credentials are only ever named (<see cref="CredentialsRef"/>), never carried.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.SourceConfig")]
public sealed record SourceConfig(
    [property: Id(0)] string Kind,
    [property: Id(1)] string? Location = null,
    [property: Id(2)] string? CredentialsRef = null,
    [property: Id(3)] string? Schema = null);

/// <summary>Which merchants and data types a job moves. An empty merchant list means all merchants.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.ScopeConfig")]
public sealed record ScopeConfig(
    [property: Id(0)] IReadOnlyList<string> MerchantIds,
    [property: Id(1)] IReadOnlyList<string> DataTypes);

/// <summary>Tuning and safety options of a job.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.JobOptions")]
public sealed record JobOptions(
    [property: Id(0)] int BatchSize = JobOptions.DefaultBatchSize,
    [property: Id(1)] bool DryRun = false,
    [property: Id(2)] double MaxRejectedRatio = JobOptions.DefaultMaxRejectedRatio)
{
    public const int DefaultBatchSize = 1000;
    public const int MaxBatchSize = 10_000;
    public const double DefaultMaxRejectedRatio = 0.05;
}

/// <summary>Everything an administrator submitted for a job.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.JobConfig")]
public sealed record JobConfig(
    [property: Id(0)] SourceConfig Source,
    [property: Id(1)] ScopeConfig Scope,
    [property: Id(2)] JobOptions Options);

/// <summary>The data types a job can move.</summary>
public static class DataTypes
{
    public const string Campaign = "CampaignData";
    public const string ProductCatalog = "ProductCatalogData";
    public static readonly IReadOnlyList<string> All = [Campaign, ProductCatalog];
}

/// <summary>The source kinds a job can read.</summary>
public static class SourceKinds
{
    public const string File = "file";
    public const string Postgres = "postgres";
}
