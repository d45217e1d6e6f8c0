using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>A <c>file</c> source: the entity files found in an export directory.</summary>
internal sealed class FileLegacySource(IReadOnlyDictionary<EntityKind, string> files, FileSourceGuard guard) : ILegacySource
{
    public DateTimeOffset? SnapshotAt => null;

    public bool Has(EntityKind kind) => files.ContainsKey(kind);

    public IEntitySource Open(EntitySchema schema, CancellationToken ct) =>
        EntityFileReader.Open(new CancellableReadStream(guard.OpenEntityFile(files[schema.Kind]), ct), Path.GetFileName(files[schema.Kind]), schema);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
