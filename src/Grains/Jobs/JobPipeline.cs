using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Phases;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Sources;
using AdManager.Grains.Stores.Postgres;
using AdManager.Grains.Telemetry;

namespace AdManager.Grains.Jobs;

/// <summary>The services a job's pipeline uses, gathered so the grain's constructor stays readable.</summary>
public sealed class JobPipeline(
    ExtractPhase extract,
    StagingResolver resolver,
    StagingReader reader,
    ValidatePhase validate,
    FileSourceGuard files,
    MigrationMetrics metrics,
    ILegacySources sources)
{
    public ExtractPhase Extract => extract;
    public StagingResolver Resolver => resolver;
    public StagingReader Reader => reader;
    public ValidatePhase Validate => validate;
    public MigrationMetrics Metrics => metrics;

    /// <summary>Opens the job's source (export files or the legacy database) for its extraction phase.</summary>
    public ILegacySources Sources => sources;

    /// <summary>The entities of the requested data types, parents first.</summary>
    public IReadOnlyList<EntityKind> Entities(JobConfig config) =>
        EntitySchema.All.Where(e => config.Scope.DataTypes.Contains(e.DataType)).Select(e => e.Kind).ToList();

    /// <summary>The entity files of a file source; a file-level problem throws <see cref="ExportFileException"/>.</summary>
    public IReadOnlyDictionary<EntityKind, string> Discover(JobConfig config)
    {
        if (config.Source.Kind != SourceKinds.File)
            throw new ExportFileException($"source kind '{config.Source.Kind}' is not supported by this version");
        return files.EntityFiles(config.Source.Location, config.Scope.DataTypes.ToList());
    }

    /// <summary>
    /// Opens every entity file and reads its first record before any is extracted, so that a file-level problem found
    /// there (a CSV header without a required column, data that is not gzip, ...) fails the job before any record is
    /// read. Problems further into a file (a truncated gzip) still surface while extracting.
    /// </summary>
    /// <exception cref="ExportFileException">The first problem found, naming its file.</exception>
    public void Preflight(IReadOnlyDictionary<EntityKind, string> entityFiles, CancellationToken ct)
    {
        foreach (var (kind, path) in entityFiles.OrderBy(f => f.Key))
        {
            using var reader = EntityFileReader.Open(new CancellableReadStream(files.OpenEntityFile(path), ct), Path.GetFileName(path), EntitySchema.For(kind));
            using var records = reader.ReadRecords().GetEnumerator();
            records.MoveNext();
        }
    }
}
