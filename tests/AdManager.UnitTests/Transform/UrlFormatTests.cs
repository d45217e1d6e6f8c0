using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class UrlFormatTests
{
    [Theory]
    [InlineData("http://example.com")]
    [InlineData("https://example.com/")]
    [InlineData("HTTPS://EXAMPLE.COM/A?b=1#c")]
    [InlineData("HtTp://example.com")]
    [InlineData("https://shop.example/p/1?utm=a&x=%20")]
    [InlineData("https://example.com:8080/x")]
    [InlineData("https://example.com:0")]
    [InlineData("https://example.com:65535/")]
    [InlineData("https://example.com:00080/")]
    [InlineData("http://user:pass@example.com/")]
    [InlineData("http://user@host:81")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[2001:db8::1]:8443/x")]
    [InlineData("http://127.0.0.1:9000")]
    [InlineData("https://例え.jp/パス")]
    [InlineData("https://example.com?q")]
    [InlineData("https://example.com#top")]
    [InlineData("https://example.com/a\u200Bb")]
    public void Url_is_an_absolute_http_or_https_url_with_a_host(string value)
    {
        Assert.True(Formats.TryUrl(value, out var detail), detail);
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("example.com")]
    [InlineData("www.example.com/x")]
    [InlineData("//example.com")]
    [InlineData("http:/example.com")]
    [InlineData("http:example.com")]
    [InlineData("https//example.com")]
    [InlineData("httpx://example.com")]
    [InlineData("mailto:a@example.com")]
    [InlineData("http://")]
    [InlineData("https://")]
    [InlineData("http:///path")]
    [InlineData("http://?q=1")]
    [InlineData("http://#x")]
    [InlineData("http://:80/")]
    [InlineData("http://user@/")]
    [InlineData("http://user@:80/")]
    [InlineData("http://[]/")]
    [InlineData("http://[::1/")]
    [InlineData("http://[::1]x/")]
    [InlineData("http://example.com:65536/")]
    [InlineData("http://example.com:99999999999/")]
    [InlineData("http://example.com:-1/")]
    [InlineData("http://example.com:abc/")]
    [InlineData("http://example.com:/")]
    [InlineData("http://example.com:80:81/")]
    [InlineData("http://exa mple.com")]
    [InlineData("http://example.com/a b")]
    [InlineData("http://example.com/a\tb")]
    [InlineData("http://example.com/\u0007")]
    [InlineData("http://example.com/\u0085")]
    [InlineData("http://example.com/a\u00A0b")]
    [InlineData("http://example.com/a\u3000b")]
    [InlineData("http://example.com/a\u2028b")]
    public void Url_rejects_other_schemes_missing_hosts_bad_ports_and_whitespace(string value)
    {
        Assert.False(Formats.TryUrl(value, out var detail));
        Assert.StartsWith("'", detail);
    }

    [Fact]
    public void Url_with_an_unpaired_surrogate_is_invalid()
    {
        Assert.False(Formats.TryUrl("http://example.com/" + '\uD800', out var detail));
        Assert.Contains("unpaired surrogate", detail);
    }
}
