using System.Collections.Concurrent;
using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// Stages one entity's extraction results (see <see cref="StagingCopy"/>) with the reading and the COPY encoding
/// on two threads: the caller's thread parses and checks records and hands them over in chunks; a writer thread
/// of its own encodes them into the COPY streams. A few chunks may wait between the two (bounded: the reader
/// waits when the writer falls behind), so memory stays flat whatever the file's size.
/// Nothing is visible to anyone until <see cref="Complete"/>.
/// </summary>
internal sealed class StagingWriter : IDisposable
{
    private const int ChunkSize = 1024;
    private const int ChunksAhead = 4;

    private readonly StagingCopy _copy;
    private readonly DuplicateKeyFilter _keys = new();
    private readonly BlockingCollection<Row[]> _chunks = new(ChunksAhead);
    private readonly Task _writer;
    private Row[] _chunk = new Row[ChunkSize];
    private int _count;
    private volatile bool _abandoned;

    private StagingWriter(StagingCopy copy)
    {
        _copy = copy;
        _writer = Task.Factory.StartNew(WriteChunks, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public static StagingWriter Open(NpgsqlDataSource dataSource, Guid jobId, EntityKind entity) =>
        new(StagingCopy.Open(dataSource, jobId, entity));

    public void Reject(long line, string? key, string reason, string detail) => Add(new Row(line, null, key, reason, detail, false));

    /// <summary>Stages a valid record as the classifier gave it, flagged when its key may have come before.</summary>
    public void Write(long line, in RecordOutcome outcome)
    {
        var maybeDuplicate = outcome.Record switch
        {
            CampaignRecord c => _keys.Add(c.CampaignId),
            PerformanceRecord p => _keys.Add(p.CampaignId, p.Date),
            CatalogRecord c => _keys.Add(c.CatalogId),
            ProductRecord p => _keys.Add(p.CatalogId, p.ProductId),
            _ => throw new ArgumentException($"not a valid record of {_copy.Entity}", nameof(outcome)),
        };
        var key = outcome.Record is PerformanceRecord performance ? outcome.Key ?? performance.CampaignId : null;
        Add(new Row(line, outcome.Record, key, null, null, maybeDuplicate, outcome.ModifiedBeyondTicks));
    }

    /// <summary>Writes what is left and commits both COPY streams.</summary>
    public void Complete()
    {
        Hand();
        _chunks.CompleteAdding();
        _writer.GetAwaiter().GetResult();
        _copy.Complete();
    }

    public void Dispose()
    {
        // Without Complete the COPY streams are cancelled: nothing of this extraction is staged.
        _abandoned = true;
        if (!_chunks.IsAddingCompleted) _chunks.CompleteAdding();
        try
        {
            _writer.Wait();
        }
        catch (AggregateException)
        {
            // Already surfaced to the reader, or irrelevant once abandoned.
        }
        _copy.Dispose();
        _chunks.Dispose();
        _keys.Dispose();
    }

    private void Add(in Row row)
    {
        _chunk[_count++] = row;
        if (_count == ChunkSize) Hand();
    }

    private void Hand()
    {
        if (_count == 0) return;
        var chunk = _count == ChunkSize ? _chunk : _chunk[.._count];
        _chunk = new Row[ChunkSize];
        _count = 0;
        try
        {
            _chunks.Add(chunk);
        }
        catch (InvalidOperationException)
        {
            // The writer stopped on an error and closed the hand-over; surface its error on the reader's thread.
            _writer.GetAwaiter().GetResult();
            throw;
        }
    }

    private void WriteChunks()
    {
        try
        {
            foreach (var chunk in _chunks.GetConsumingEnumerable())
            {
                if (_abandoned) return;
                foreach (var row in chunk) Write(row);
            }
        }
        catch
        {
            // Unblocks a reader waiting for room, which then rethrows this.
            _chunks.CompleteAdding();
            throw;
        }
    }

    private void Write(in Row row)
    {
        switch (row.Record)
        {
            case null: _copy.Reject(row.Line, row.Key, row.Reason!, row.Detail!); break;
            case CampaignRecord c: _copy.Write(row.Line, c, row.MaybeDuplicate, row.ModifiedBeyondTicks); break;
            case PerformanceRecord p: _copy.Write(row.Line, row.Key!, p, row.MaybeDuplicate); break;
            case CatalogRecord c: _copy.Write(row.Line, c, row.MaybeDuplicate, row.ModifiedBeyondTicks); break;
            case ProductRecord p: _copy.Write(row.Line, p, row.MaybeDuplicate, row.ModifiedBeyondTicks); break;
        }
    }

    /// <summary>A staged record (<see cref="Record"/> set; <see cref="Key"/> for performance rows) or a rejection.</summary>
    private readonly record struct Row(long Line, object? Record, string? Key, string? Reason, string? Detail, bool MaybeDuplicate,
        string? ModifiedBeyondTicks = null);
}
