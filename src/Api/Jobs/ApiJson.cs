using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdManager.Api.Jobs;

/// <summary>JSON settings of the API.</summary>
internal static class ApiJson
{
    private const int MaxDepth = 16;

    /// <summary>
    /// Request bodies: camelCase, unknown members and repeated ones refused (a misspelt option must not be silently
    /// ignored, nor a second value silently win), numbers only as JSON numbers, bounded depth.
    /// </summary>
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = MaxDepth,
        PropertyNameCaseInsensitive = false,
    };

    /// <summary>Request bodies read as a document first (see <see cref="RequestShape"/>): strict JSON, bounded depth.</summary>
    public static readonly JsonDocumentOptions StrictDocument = new() { MaxDepth = MaxDepth };

    /// <summary>Where and why the body failed to parse, without exception internals.</summary>
    public static string Describe(JsonException ex)
    {
        var where = ex.Path is { Length: > 0 } path ? $" at {path}" : "";
        var message = ex.Message;
        // The serializer's words for a string it cannot transcode name a .NET type ("could not be converted to System.String").
        if (ex.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("UTF-8", StringComparison.Ordinal))
            message = "a string holds bytes that are not valid UTF-8";
        foreach (var tail in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        if (ex.LineNumber is { } line && ex.BytePositionInLine is { } column) where = $" (line {line + 1}, byte {column + 1})";
        return message.Length > 300 ? message[..300] + where : message + where;
    }
}
