namespace AdManager.Grains.Abstractions;

/// <summary>Names of Orleans providers and stream namespaces, in one place for silos, clients and tests.</summary>
public static class MigrationNames
{
    /// <summary>The durable stream provider that carries job events (ADO.NET queue on PostgreSQL).</summary>
    public const string StreamProvider = "JobEvents";

    /// <summary>Stream namespace of <see cref="Jobs.StartDataMigrationJob"/> events; the stream key is the job id.</summary>
    public const string StartJobNamespace = "StartDataMigrationJob";

    /// <summary>Grain storage holding <c>MigrationJob</c> state.</summary>
    public const string JobStorage = "JobStore";

    /// <summary>Grain storage the stream pub-sub needs.</summary>
    public const string PubSubStorage = "PubSubStore";
}
