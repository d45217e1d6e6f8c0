using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace AdManager.Api.Jobs;

/// <summary>
/// What makes two job requests "the same body" for an <c>Idempotency-Key</c>: the same JSON value, whatever the order of
/// an object's members and the whitespace or escapes between them, since a client that serializes its request again
/// for a retry may send other bytes for the same request. Member names and strings compare by their text, numbers by
/// their literal (<c>1000</c> is not <c>1e3</c>), arrays in their order.
/// </summary>
internal static class RequestFingerprint
{
    public static string Of(JsonElement request, ReadOnlySpan<byte> body)
    {
        var canonical = new ArrayBufferWriter<byte>(body.Length);
        try
        {
            using var writer = new Utf8JsonWriter(canonical);
            Write(writer, request);
        }
        catch (InvalidOperationException)
        {
            // A string that is not valid UTF-16 (a lone surrogate escape) has no text to compare: its bytes stand.
            return "raw:" + Convert.ToHexString(SHA256.HashData(body));
        }
        return Convert.ToHexString(SHA256.HashData(canonical.WrittenSpan));
    }

    private static void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in value.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(value.GetString());
                break;
            default:
                value.WriteTo(writer);   // a number as written, true, false, null
                break;
        }
    }
}
