using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.Grains.Stores.Postgres;
using Npgsql;

namespace AdManager.Grains.Pipeline.Phases;

/// <summary>What reading one entity produced.</summary>
public sealed record EntityExtraction(long Read, long Skipped, long Rejected, IReadOnlyList<string> Warnings)
{
    /// <summary>Records staged: every record read that was in scope and not rejected.</summary>
    public long Staged => Read - Skipped - Rejected;
}

/// <summary>
/// Steps 4.2 and (record by record) 4.4: streams one entity from its source (an export file, a legacy table: the
/// phase does not care which), applies the record-level outcomes of the spec in their order (encoding, structure,
/// scope, field checks) and stages the result in PostgreSQL. Cross-record rules run later, set-based
/// (<see cref="StagingResolver"/>).
/// </summary>
public sealed class ExtractPhase(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Reads <paramref name="source"/> completely. Synchronous and CPU-bound: call it on the thread pool. The caller
    /// owns (and disposes) the source. <paramref name="progress"/> receives the running count of records read, every
    /// few thousand records.
    /// </summary>
    public EntityExtraction Run(Guid jobId, EntitySchema schema, IEntitySource source, IReadOnlySet<string> merchantScope,
        Action<long> progress, CancellationToken ct)
    {
        using var staging = StagingWriter.Open(dataSource, jobId, schema.Kind);
        var classifier = new RecordClassifier(schema, merchantScope);
        long read = 0, skipped = 0, rejected = 0;
        foreach (var record in source.ReadRecords())
        {
            read++;
            if ((read & 0xFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress(read);
            }

            var outcome = classifier.Classify(record);
            switch (outcome.Fate)
            {
                case RecordFate.OutOfScope:
                    skipped++;
                    break;
                case RecordFate.Rejected:
                    staging.Reject(record.Line, outcome.Key, outcome.Rejection.Reason, outcome.Rejection.Detail);
                    rejected++;
                    break;
                default:
                    staging.Write(record.Line, outcome);
                    break;
            }
        }

        staging.Complete();
        progress(read);
        return new EntityExtraction(read, skipped, rejected, source.Warnings.ToList());
    }
}
