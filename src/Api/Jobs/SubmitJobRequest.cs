namespace AdManager.Api.Jobs;

/// <summary>A new migration job (step 1 of the sequence diagram).</summary>
public sealed class SubmitJobRequest
{
    /// <summary>Where the legacy data is read from.</summary>
    public SourceRequest? Source { get; set; }

    /// <summary>Which merchants and data types; omitted means all merchants and both data types.</summary>
    public ScopeRequest? Scope { get; set; }

    /// <summary>Batch size, dry run and reject threshold; every field optional.</summary>
    public OptionsRequest? Options { get; set; }
}

/// <summary>The source of a job.</summary>
public sealed class SourceRequest
{
    /// <summary><c>file</c> (a legacy export directory) or <c>postgres</c> (the legacy database).</summary>
    /// <example>file</example>
    public string? Kind { get; set; }

    /// <summary>For <c>file</c>: absolute path of the export directory, under the configured allowed roots.</summary>
    /// <example>/srv/exports/2024-03-01</example>
    public string? Location { get; set; }

    /// <summary>For <c>postgres</c>: the name of a secret holding the connection string (never the credentials themselves).</summary>
    /// <example>legacydb</example>
    public string? CredentialsRef { get; set; }

    /// <summary>For <c>postgres</c>: the schema holding the legacy tables.</summary>
    /// <example>legacy</example>
    public string? Schema { get; set; }
}

/// <summary>The scope of a job.</summary>
public sealed class ScopeRequest
{
    /// <summary>Merchants to migrate; omitted or empty means all merchants.</summary>
    /// <example>["m-001", "m-002"]</example>
    public List<string>? MerchantIds { get; set; }

    /// <summary><c>CampaignData</c> and/or <c>ProductCatalogData</c>; omitted means both.</summary>
    /// <example>["CampaignData", "ProductCatalogData"]</example>
    public List<string>? DataTypes { get; set; }
}

/// <summary>Options of a job.</summary>
public sealed class OptionsRequest
{
    /// <summary>Records per load batch, 1..10000.</summary>
    /// <example>1000</example>
    public int? BatchSize { get; set; }

    /// <summary>Extract and transform only, report what would be loaded, write nothing.</summary>
    /// <example>false</example>
    public bool? DryRun { get; set; }

    /// <summary>Highest share of rejected in-scope records (0..1) before the job fails without loading.</summary>
    /// <example>0.05</example>
    public double? MaxRejectedRatio { get; set; }
}
