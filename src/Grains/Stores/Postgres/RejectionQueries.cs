using AdManager.Grains.Pipeline.Schema;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>One rejected record as the rejections endpoint shows it.</summary>
public sealed record RejectionRow(string Entity, long Line, string? Key, string Reason, string Detail);

/// <summary>Pages through a job's rejections in (entity, line) order with keyset cursors.</summary>
public sealed class RejectionQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Rows after the (entity, line) position <paramref name="after"/>; one more than <paramref name="limit"/> tells there is a next page.</summary>
    public async Task<List<RejectionRow>> PageAsync(Guid jobId, EntityKind? entity, string? reason, (short Entity, long Line)? after, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT entity, line, record_key, reason, detail FROM migration_rejections
            WHERE job_id = $1 AND ($2::smallint IS NULL OR entity = $2) AND ($3::text IS NULL OR reason = $3)
              AND ($4::smallint IS NULL OR (entity, line) > ($4, $5))
            ORDER BY entity, line LIMIT $6
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        command.Parameters.Add(new NpgsqlParameter { Value = entity.HasValue ? (short)entity.Value : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = after.HasValue ? after.Value.Entity : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = after.HasValue ? after.Value.Line : 0L, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var rows = new List<RejectionRow>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new RejectionRow(
                EntitySchema.For((EntityKind)reader.GetInt16(0)).Name, reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return rows;
    }
}
