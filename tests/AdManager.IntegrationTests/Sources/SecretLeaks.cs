using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Sources;

/// <summary>Looks for a secret everywhere it must never be: API answers, logs, and the stored state of the host's grains.</summary>
public static class SecretLeaks
{
    /// <summary>
    /// Asserts <paramref name="secret"/> is in none of <paramref name="responses"/>, the captured logs, or the host's
    /// stored grain state; <paramref name="stored"/>, a value known to be stored (a schema name), proves the byte
    /// search of the state can find text at all.
    /// </summary>
    public static async Task AssertNowhereAsync(string secret, string stored, TestStack stack, MigrationHost host, LogCapture logs, params string[] responses)
    {
        Assert.True(logs.Count > 0, "no log entry was captured: the check would prove nothing");
        foreach (var response in responses) Assert.DoesNotContain(secret, response, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, logs.Text, StringComparison.Ordinal);

        // Grain state is binary (Orleans' serializer): look for the secret's UTF-8 bytes in every row of this service.
        await using var command = stack.Db.CreateCommand("""
            SELECT count(*) FILTER (WHERE position($3 IN payloadbinary) > 0), count(*) FILTER (WHERE position($2 IN payloadbinary) > 0)
            FROM orleansstorage WHERE serviceid = $1
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = host.ServiceId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = System.Text.Encoding.UTF8.GetBytes(secret) });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = System.Text.Encoding.UTF8.GetBytes(stored) });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(reader.GetInt64(0) > 0, $"'{stored}' is not in the stored grain state of service {host.ServiceId}: the check would prove nothing");
        Assert.Equal(0, reader.GetInt64(1));
    }
}
