using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Phases;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Sources;
using AdManager.Grains.Stores.Postgres;

namespace AdManager.Grains.Jobs;

/// <summary>The services a job's pipeline uses, gathered so the grain's constructor stays readable.</summary>
public sealed class JobPipeline(
    ExtractPhase extract,
    StagingResolver resolver,
    StagingReader reader,
    ValidatePhase validate,
    LegacySources sources)
{
    public ExtractPhase Extract => extract;
    public StagingResolver Resolver => resolver;
    public StagingReader Reader => reader;
    public ValidatePhase Validate => validate;

    /// <summary>Opens the job's source (export files or the legacy database) for its extraction phase.</summary>
    public LegacySources Sources => sources;

    /// <summary>The entities of the requested data types, parents first.</summary>
    public IReadOnlyList<EntityKind> Entities(JobConfig config) =>
        EntitySchema.All.Where(e => config.Scope.DataTypes.Contains(e.DataType)).Select(e => e.Kind).ToList();
}
