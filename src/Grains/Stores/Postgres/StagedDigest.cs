namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// One side of a read-back comparison summed (see <see cref="TargetComparison"/>): how many rows, and the XOR of their
/// 64-bit row hashes. Kept with the job for the staged side, which resolving takes alongside its own statements.
/// </summary>
[GenerateSerializer, Alias("AdManager.StagedDigest")]
public sealed record StagedDigest([property: Id(0)] long Count, [property: Id(1)] long Hash);
