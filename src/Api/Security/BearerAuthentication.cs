using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AdManager.Api.Security;

/// <summary>JWT bearer authentication and the platform role policy (<c>spec/api.md</c>, "Authentication and roles").</summary>
public static class BearerAuthentication
{
    public static IServiceCollection AddPlatformAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton<IAuthorizationHandler, PlatformAccessHandler>();
        services.AddAuthorizationBuilder().AddPolicy(PlatformRoles.Policy, policy => policy
            .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new PlatformAccessRequirement()));
        return services;
    }

    /// <summary>Binds <see cref="AuthOptions"/> onto the JWT bearer handler.</summary>
    private sealed class ConfigureJwtBearer(IOptions<AuthOptions> auth) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme) return;
            var o = auth.Value;
            // Claims keep their JWT names: `sub` is the caller (the audit trail), roles come from o.RoleClaim.
            options.MapInboundClaims = false;
            if (!string.IsNullOrWhiteSpace(o.Authority))
            {
                options.Authority = o.Authority;
                options.RequireHttpsMetadata = o.RequireHttpsMetadata;
            }
            var keys = o.DecodeKeys().Select(k => new SymmetricSecurityKey(k)).ToList();
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = string.IsNullOrWhiteSpace(o.Issuer) ? null : o.Issuer,
                ValidateAudience = true,
                ValidAudience = o.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                IssuerSigningKeys = keys.Count > 0 ? keys : null,
                ClockSkew = o.ClockSkew,
                NameClaimType = "sub",
                RoleClaimType = o.RoleClaim,
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = RequireSubject,
                OnChallenge = BearerProblems.ChallengeAsync,
                OnForbidden = BearerProblems.ForbiddenAsync,
            };
        }

        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

        /// <summary>
        /// The token's <c>sub</c> is who submitted or cancelled a job (the audit trail, and the key of the submission limit):
        /// a token without one, or with one no identity provider issues (control characters, over 256 characters,
        /// invisible or direction-changing characters that would show in the audit trail as another caller's name), is
        /// refused rather than recorded as nobody or as someone else.
        /// </summary>
        private static Task RequireSubject(TokenValidatedContext context)
        {
            var subject = context.Principal?.FindFirst("sub")?.Value;
            if (string.IsNullOrWhiteSpace(subject) || subject.Length > 256
                || subject.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
                context.Fail(new SubjectMissingException());
            return Task.CompletedTask;
        }
    }

    /// <summary>A token that validates but names no usable subject.</summary>
    internal sealed class SubjectMissingException() : SecurityTokenValidationException("the token names no subject (sub)");
}
