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
    /// <summary>
    /// The fingerprint of a request that has been deserialized: every name and string in it has been read as text
    /// already (a lone surrogate escape failed there, as a 400), so reading them again here cannot fail.
    /// </summary>
    public static string Of(JsonElement request)
    {
        var canonical = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(canonical)) Write(writer, request);
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
