using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>
/// The legacy data one extraction phase reads: opened once when extraction starts, checked as a whole (files or
/// tables present, columns), then read entity by entity. Disposed when extraction ends.
/// </summary>
public interface ILegacySource : IAsyncDisposable
{
    /// <summary>
    /// When the source's consistent snapshot was taken (database time), or null for a source without one (files).
    /// A source with a snapshot is read in one go: extraction interrupted by a crash restarts from a new snapshot.
    /// </summary>
    DateTimeOffset? SnapshotAt { get; }

    /// <summary>Whether the source holds the entity at all; an entity it does not hold has zero rows.</summary>
    bool Has(EntityKind kind);

    /// <summary>
    /// Starts reading an entity the source <see cref="Has(EntityKind)"/>. Synchronous (it may wait for the source):
    /// call it on the thread pool, next to the read. Entities are read one at a time. <paramref name="ct"/> also
    /// interrupts a read that waits on the source (a legacy server sorting or waiting for a lock).
    /// </summary>
    /// <exception cref="ExportFileException">A problem of an export file.</exception>
    /// <exception cref="LegacySourceException">A problem of the legacy database.</exception>
    IEntitySource Open(EntitySchema schema, CancellationToken ct);
}

/// <summary>Opens the source a job names for one extraction phase (<see cref="LegacySources"/>; tests wrap it).</summary>
public interface ILegacySources
{
    /// <inheritdoc cref="LegacySources.OpenAsync"/>
    Task<ILegacySource> OpenAsync(Guid jobId, Abstractions.Jobs.JobConfig config, CancellationToken ct);
}
