using System.Text.RegularExpressions;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Sources;
using AdManager.Grains.Secrets;

namespace AdManager.Api.Jobs;

/// <summary>Turns a request into a job configuration, or into field -> messages for a 400.</summary>
public sealed partial class SubmitJobValidator(FileSourceGuard files)
{
    public const int MaxMerchantIds = 10_000;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();

    public (JobConfig? Config, Dictionary<string, string[]> Errors) Validate(SubmitJobRequest request)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        SourceConfig? source = null;
        if (request.Source is null)
        {
            Add("source", "source is required");
        }
        else if (request.Source.Kind == SourceKinds.File)
        {
            if (files.Problem(request.Source.Location) is { } problem) Add("source.location", problem);
            else if (request.Source.CredentialsRef is not null || request.Source.Schema is not null)
                Add("source", "a file source takes only 'location'");
            else source = new SourceConfig(SourceKinds.File, Location: request.Source.Location);
        }
        else if (request.Source.Kind == SourceKinds.Postgres)
        {
            var credentials = request.Source.CredentialsRef;
            var schema = request.Source.Schema ?? "legacy";
            if (string.IsNullOrEmpty(credentials)) Add("source.credentialsRef", "credentialsRef (the name of a secret) is required for a postgres source");
            else if (!ConfigurationSecretResolver.IsValidName(credentials))
                Add("source.credentialsRef", "credentialsRef must be a secret's name (1-64 of A-Z a-z 0-9 _ . -, not starting with a dot), never the credentials themselves");
            if (!IdentifierPattern().IsMatch(schema)) Add("source.schema", "schema must be a plain SQL identifier");
            if (request.Source.Location is not null) Add("source.location", "a postgres source takes no location");
            if (errors.Count == 0) source = new SourceConfig(SourceKinds.Postgres, CredentialsRef: credentials, Schema: schema);
        }
        else
        {
            Add("source.kind", $"kind must be '{SourceKinds.File}' or '{SourceKinds.Postgres}'");
        }

        var merchants = request.Scope?.MerchantIds ?? [];
        if (merchants.Count > MaxMerchantIds) Add("scope.merchantIds", $"at most {MaxMerchantIds} merchant ids");
        else
        {
            foreach (var id in merchants)
            {
                if (id is null || !IdPattern().IsMatch(id))
                {
                    Add("scope.merchantIds", $"merchant id {(id is null ? "null" : $"'{Shorten(id)}'")} is not 1-64 of A-Z a-z 0-9 _ . -");
                    break;
                }
            }
        }

        var dataTypes = request.Scope?.DataTypes ?? DataTypes.All.ToList();
        if (dataTypes.Count == 0) Add("scope.dataTypes", "at least one data type, or omit the field for both");
        foreach (var type in dataTypes.Where(t => !DataTypes.All.Contains(t)).Distinct())
        {
            Add("scope.dataTypes", $"unknown data type '{Shorten(type)}'; expected {string.Join(" or ", DataTypes.All)}");
        }

        var batchSize = request.Options?.BatchSize ?? JobOptions.DefaultBatchSize;
        if (batchSize is < 1 or > JobOptions.MaxBatchSize) Add("options.batchSize", $"batchSize must be between 1 and {JobOptions.MaxBatchSize}");
        var ratio = request.Options?.MaxRejectedRatio ?? JobOptions.DefaultMaxRejectedRatio;
        if (double.IsNaN(ratio) || ratio is < 0 or > 1) Add("options.maxRejectedRatio", "maxRejectedRatio must be between 0 and 1");

        if (errors.Count > 0) return (null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        var scope = new ScopeConfig(
            merchants.Distinct(StringComparer.Ordinal).ToList(),
            DataTypes.All.Where(dataTypes.Contains).ToList());
        return (new JobConfig(source!, scope, new JobOptions(batchSize, request.Options?.DryRun ?? false, ratio)), []);
    }

    private static string Shorten(string? value) => value is null ? "null" : Problems.Clip(value, 40);
}
