using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class TargetingJsonTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{ }")]
    [InlineData("{\"geo\":[\"US\",\"CA\"],\"age\":{\"min\":18}}")]
    [InlineData("{\"a\":null,\"b\":true,\"c\":-1.5e3}")]
    [InlineData("{\"k\":1,\"k\":2}")] // duplicate keys: jsonb keeps the last
    [InlineData("{\"emoji\":\"\\ud83d\\ude00\"}")]
    [InlineData("{\"\\uD83D\\uDE00\":1}")]
    [InlineData("{\"literal\":\"\\\\u0000\"}")] // an escaped backslash, then text
    [InlineData("{\"tab\":\"\\t\",\"quote\":\"\\\"\"}")]
    [InlineData("{\"big\":1e131071,\"small\":1e-16383,\"zero\":0e200000}")]
    [InlineData("{\"n\":123.456e-16380}")]
    [InlineData("{\"n\":9999e131068}")]
    [InlineData("{\n  \"a\": 1\n}")]
    public void Targeting_is_any_json_object_jsonb_can_store(string value)
    {
        Assert.True(Formats.TryJsonObject(value, out var detail), detail);
    }

    [Theory]
    [InlineData("[]", "a JSON array, not a JSON object")]
    [InlineData("\"{}\"", "a JSON string, not a JSON object")]
    [InlineData("1", "a JSON number, not a JSON object")]
    [InlineData("true", "a JSON boolean, not a JSON object")]
    [InlineData("null", "JSON null, not a JSON object")]
    [InlineData("{\"a\":\"\\u0000\"}", "\\u0000 cannot be stored in PostgreSQL jsonb")]
    [InlineData("{\"\\u0000\":1}", "\\u0000 cannot be stored in PostgreSQL jsonb")]
    [InlineData("{\"a\":\"\\ud800\"}", "unpaired surrogate escape \\ud800")]
    [InlineData("{\"a\":\"\\ud800x\"}", "unpaired surrogate escape \\ud800")]
    [InlineData("{\"a\":\"\\ud800\\u0041\"}", "unpaired surrogate escape \\ud800")]
    [InlineData("{\"a\":\"\\udc00\"}", "unpaired surrogate escape \\udc00")]
    [InlineData("{\"a\":\"\\uDE00\\uD83D\"}", "unpaired surrogate escape \\ude00")]
    [InlineData("{\"a\":1e131072}", "number outside PostgreSQL's numeric range")]
    [InlineData("{\"a\":10000e131068}", "number outside PostgreSQL's numeric range")]
    [InlineData("{\"a\":1e-16384}", "number outside PostgreSQL's numeric range")]
    [InlineData("{\"a\":0.00012e-16379}", "number outside PostgreSQL's numeric range")]
    [InlineData("{\"a\":0e-20000}", "number outside PostgreSQL's numeric range")]
    [InlineData("{\"a\":0e1073741823}", "number outside PostgreSQL's numeric range")]
    [InlineData("{\"a\":1e99999999999999999999}", "number outside PostgreSQL's numeric range")]
    public void Targeting_that_is_no_object_or_that_jsonb_refuses_is_invalid(string value, string detail)
    {
        Assert.False(Formats.TryJsonObject(value, out var actual));
        Assert.Equal(detail, actual);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"a\":1")]
    [InlineData("{}x")]
    [InlineData("{} {}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{/*c*/}")]
    [InlineData("{'a':1}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":NaN}")]
    [InlineData("{\"a\":\"x\ty\"}")] // raw control character inside a string
    [InlineData("{\"a\":\"\\x41\"}")]
    [InlineData("{\u00A0}")]
    public void Targeting_that_is_not_json_is_invalid(string value)
    {
        Assert.False(Formats.TryJsonObject(value, out var detail));
        Assert.StartsWith("not valid JSON: ", detail);
    }

    /// <summary>No limit in the spec; PostgreSQL's own (about 10,000 levels at its default stack depth) with a margin.</summary>
    [Fact]
    public void Targeting_nested_deeper_than_the_bound_is_invalid_and_up_to_it_valid()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", Formats.MaxJsonDepth)) + "1" + new string('}', Formats.MaxJsonDepth);
        var tooDeep = "{\"a\":" + deep + "}";

        Assert.True(Formats.TryJsonObject(deep, out _));
        Assert.False(Formats.TryJsonObject(tooDeep, out _));
    }

    [Fact]
    public void Targeting_with_a_raw_unpaired_surrogate_is_invalid()
    {
        Assert.False(Formats.TryJsonObject("{\"a\":\"\uD800\"}", out var detail));
        Assert.Equal("unpaired surrogate U+D800 is not JSON text", detail);
    }

    [Fact]
    public void Large_targeting_objects_are_read_whole()
    {
        var big = "{" + string.Join(",", Enumerable.Range(0, 5000).Select(i => $"\"k{i}\":\"é{i}\"")) + "}";
        var badAtTheEnd = big[..^1] + ",\"z\":\"\\u0000\"}";

        Assert.True(Formats.TryJsonObject(big, out _));
        Assert.False(Formats.TryJsonObject(badAtTheEnd, out _));
    }
}
