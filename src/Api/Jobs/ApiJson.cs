using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdManager.Api.Jobs;

/// <summary>JSON settings of the API.</summary>
internal static class ApiJson
{
    /// <summary>Request bodies: camelCase, unknown members refused (a misspelt option must not be silently ignored), bounded depth.</summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 16,
        PropertyNameCaseInsensitive = false,
    };

    /// <summary>Where and why the body failed to parse, without exception internals.</summary>
    public static string Describe(JsonException ex)
    {
        var where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        return message.Length > 300 ? message[..300] + where : message + where;
    }
}
