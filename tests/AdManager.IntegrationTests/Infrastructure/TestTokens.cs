using System.Security.Cryptography;
using AdManager.Api.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>Bearer tokens signed with a key made for this test run; the hosts trust exactly this key.</summary>
public static class TestTokens
{
    public const string Issuer = "admanager-tests";
    public const string Audience = "admanager-migration";
    public const string AdminSubject = "test-admin";

    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static string KeyBase64 => Convert.ToBase64String(Key);

    public static string Admin(string subject = AdminSubject) => Create(PlatformRoles.Admin, subject);

    public static string Viewer(string subject = "test-viewer") => Create(PlatformRoles.Viewer, subject);

    public static string Create(
        string? role, string subject, TimeSpan? lifetime = null, DateTime? expires = null,
        string issuer = Issuer, string audience = Audience, byte[]? key = null)
    {
        var until = expires ?? DateTime.UtcNow + (lifetime ?? TimeSpan.FromHours(1));
        var claims = new Dictionary<string, object>();
        if (subject.Length > 0) claims["sub"] = subject;
        if (role is not null) claims["roles"] = new[] { role };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = until.AddHours(-1),
            NotBefore = until.AddHours(-1),
            Expires = until,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        });
    }
}
