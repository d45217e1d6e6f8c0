using System.Text.RegularExpressions;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Extract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>Opens the source a job names, on the silo: an export directory, or the legacy database behind a secret.</summary>
public sealed partial class LegacySources(
    FileSourceGuard files,
    Secrets.ISecretResolver secrets,
    IOptions<PostgresSourceOptions> options,
    ILogger<LegacySources> logger) : ILegacySources
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();

    /// <summary>Opens and checks the job's source for one extraction phase.</summary>
    /// <exception cref="ExportFileException">A problem of a <c>file</c> source.</exception>
    /// <exception cref="LegacySourceException">A problem of a <c>postgres</c> source.</exception>
    public async Task<ILegacySource> OpenAsync(Guid jobId, JobConfig config, CancellationToken ct)
    {
        var source = config.Source;
        switch (source.Kind)
        {
            case SourceKinds.File:
                return new FileLegacySource(files.EntityFiles(source.Location, config.Scope.DataTypes.ToList()), files);
            case SourceKinds.Postgres:
                var opened = await OpenPostgresAsync(source, config.Scope.DataTypes, ct);
                SourceLog.SnapshotTaken(logger, jobId, source.Schema!, source.CredentialsRef!, opened.SnapshotAt!.Value);
                return opened;
            default:
                throw new ExportFileException($"source kind '{source.Kind}' is not supported by this version");
        }
    }

    private async Task<PostgresLegacySource> OpenPostgresAsync(SourceConfig source, IReadOnlyCollection<string> dataTypes, CancellationToken ct)
    {
        var name = source.CredentialsRef ?? throw new LegacySourceException("a postgres source needs credentialsRef");
        var schema = source.Schema ?? throw new LegacySourceException("a postgres source needs a schema");
        // The API checked both already; the silo does not trust a stored job blindly.
        if (!PlainIdentifier().IsMatch(schema)) throw new LegacySourceException("the schema must be a plain SQL identifier");

        string secret;
        try
        {
            // Revealed only here, straight into the connection settings; never stored or logged.
            secret = secrets.Resolve(name).Reveal();
        }
        catch (Secrets.SecretNotFoundException ex)
        {
            throw new LegacySourceException(ex.Message);
        }

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(secret);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            // The parser's message can quote the offending part of the string: say nothing of its content.
            throw new LegacySourceException($"the secret '{name}' does not hold a valid PostgreSQL connection string");
        }
        // One long-lived connection per job: a pool would only keep idle connections to the legacy server.
        settings.Pooling = false;
        settings.ApplicationName ??= options.Value.ApplicationName;
        // Also bounds the wait for a table (its lock, the server's planning) before the first row.
        settings.CommandTimeout = (int)Math.Ceiling(options.Value.ReadTimeout.TotalSeconds);
        var target = LegacyDbTarget.Of(name, settings);
        return await PostgresLegacySource.OpenAsync(settings, target, schema, dataTypes, options.Value.ReadTimeout, ct);
    }
}
