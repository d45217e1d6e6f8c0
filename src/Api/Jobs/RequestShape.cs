using System.Reflection;
using System.Text.Json;

namespace AdManager.Api.Jobs;

/// <summary>
/// Checks a request body against the shape of its request type before it is bound, so that every field that does not
/// fit is named in the 400's <c>errors</c> map with a plain message: a string where a number goes (<c>"100"</c> is not
/// taken for 100), a fraction or exponent where a whole number goes, an unknown or misspelt field, a field given twice
/// (which a JSON reader would otherwise settle silently, the last one winning). The serializer alone stops at the first
/// problem and names .NET types.
/// </summary>
internal static class RequestShape
{
    /// <summary>The key of a problem with the body as a whole (not JSON, not an object).</summary>
    public const string Body = "body";

    /// <summary>Field path -> messages; empty when <paramref name="root"/> fits <typeparamref name="T"/>.</summary>
    public static Dictionary<string, string[]> Check<T>(JsonElement root)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object) Add(errors, Body, "must be a JSON object");
        else CheckObject(root, typeof(T), "", errors);
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void CheckObject(JsonElement json, Type type, string path, Dictionary<string, List<string>> errors)
    {
        var properties = Properties(type);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in json.EnumerateObject())
        {
            var field = Problems.Clip(path.Length == 0 ? member.Name : $"{path}.{member.Name}", 100);
            if (!properties.TryGetValue(member.Name, out var property))
            {
                Add(errors, field, $"is not a field here; expected {string.Join(", ", properties.Keys)}");
            }
            else if (!seen.Add(member.Name))
            {
                Add(errors, field, "is given more than once");
            }
            else
            {
                CheckValue(member.Value, property.PropertyType, field, errors);
            }
        }
    }

    private static void CheckValue(JsonElement value, Type type, string field, Dictionary<string, List<string>> errors)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (value.ValueKind == JsonValueKind.Null)
        {
            // Reference types and Nullable<T> take null (the request's own rules then say whether null means omitted).
            if (nullable is null && type.IsValueType) Add(errors, field, "must not be null");
            return;
        }
        type = nullable ?? type;
        if (type == typeof(string))
        {
            if (value.ValueKind != JsonValueKind.String) Add(errors, field, $"must be a string, not {Kind(value)}");
        }
        else if (type == typeof(int))
        {
            if (value.ValueKind != JsonValueKind.Number) Add(errors, field, $"must be a whole number, not {Kind(value)}");
            else if (!value.TryGetInt32(out _))
                Add(errors, field, long.TryParse(value.GetRawText(), out _) ? "is out of range" : "must be a whole number (no fraction or exponent)");
        }
        else if (type == typeof(double))
        {
            if (value.ValueKind != JsonValueKind.Number) Add(errors, field, $"must be a number, not {Kind(value)}");
            else if (!value.TryGetDouble(out var d) || !double.IsFinite(d)) Add(errors, field, "is out of range");
        }
        else if (type == typeof(bool))
        {
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Add(errors, field, $"must be true or false, not {Kind(value)}");
        }
        else if (ItemType(type) is { } item)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                Add(errors, field, $"must be an array, not {Kind(value)}");
                return;
            }
            var index = 0;
            foreach (var element in value.EnumerateArray())
            {
                CheckValue(element, item, $"{field}[{index++}]", errors);
                if (errors.Count >= MaxFields) return;
            }
        }
        else if (value.ValueKind != JsonValueKind.Object)
        {
            Add(errors, field, $"must be an object, not {Kind(value)}");
        }
        else
        {
            CheckObject(value, type, field, errors);
        }
    }

    /// <summary>At most this many fields are named: a body of 10,000 wrong ids gets a problem, not a copy of itself.</summary>
    private const int MaxFields = 20;

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (errors.TryGetValue(field, out var messages)) messages.Add(message);
        else if (errors.Count < MaxFields) errors[field] = [message];
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>The element type of a list property (<c>List&lt;string&gt;</c>), or null.</summary>
    private static Type? ItemType(Type type) =>
        type != typeof(string) && type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            ? type.GetGenericArguments()[0]
            : null;

    /// <summary>The type's settable public properties by their JSON (camelCase) names.</summary>
    private static Dictionary<string, PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name), StringComparer.Ordinal);
}
