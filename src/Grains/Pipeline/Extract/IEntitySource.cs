namespace AdManager.Grains.Pipeline.Extract;

/// <summary>
/// The records of one entity, wherever they come from (an export file, a legacy table), as the extract phase consumes
/// them: structural outcomes (rules 1-2 of the legacy-export spec) already decided, field text untouched.
/// </summary>
public interface IEntitySource : IDisposable
{
    /// <summary>What the records are read from, as messages and warnings name it (<c>campaigns.csv</c>, <c>legacy.campaigns</c>).</summary>
    string Name { get; }

    /// <summary>The detail of a <c>malformed_row</c> rejection from this source.</summary>
    string MalformedDetail { get; }

    /// <summary>Warnings for the report (unknown columns, ...); may grow while reading.</summary>
    IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Streams the records in source order; <see cref="SourceRecord.Line"/> is the record's position as the spec
    /// defines it for this source. Can be enumerated once.
    /// </summary>
    IEnumerable<SourceRecord> ReadRecords();
}
