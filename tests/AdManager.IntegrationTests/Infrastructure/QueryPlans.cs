using System.Text.Json;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>The nodes of a PostgreSQL <c>EXPLAIN (FORMAT JSON)</c> plan.</summary>
public static class QueryPlans
{
    /// <summary><paramref name="node"/> and every node below it, depth first.</summary>
    public static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (!node.TryGetProperty("Plans", out var children)) yield break;
        foreach (var child in children.EnumerateArray())
        foreach (var descendant in Nodes(child))
            yield return descendant;
    }
}
