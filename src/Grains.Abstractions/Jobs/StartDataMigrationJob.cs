namespace AdManager.Grains.Abstractions.Jobs;

/// <summary>The event that starts a job's pipeline (step 2.2 of the sequence diagram), published on <see cref="MigrationNames.StartJobNamespace"/>.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.StartDataMigrationJob")]
public sealed record StartDataMigrationJob(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] JobConfig Config);
