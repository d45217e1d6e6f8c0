using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;

namespace AdManager.Api.Security;

/// <summary><c>401</c> and <c>403</c> as problem details that say what is wrong, without echoing the token.</summary>
internal static class BearerProblems
{
    public static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure;
        var detail = failure is null
            ? "This endpoint needs an 'Authorization: Bearer <token>' header with a token of the platform's identity provider."
            : $"The bearer token was refused: {Reason(failure)}.";
        context.Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{Reason(failure)}\"";
        await WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    public static Task ForbiddenAsync(ForbiddenContext context)
    {
        var read = PlatformRoles.IsRead(context.Request.Method);
        // Outside the jobs API (the Orleans dashboard) every request needs an admin: the method says nothing there.
        var detail = !context.Request.Path.StartsWithSegments("/admin")
            ? $"This page needs the {PlatformRoles.Admin} role."
            : read
            ? $"Reading migration jobs needs the {PlatformRoles.Viewer} or {PlatformRoles.Admin} role."
            : $"This action changes migration jobs and needs the {PlatformRoles.Admin} role; {PlatformRoles.Viewer} may only read.";
        return WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", detail);
    }

    private static string Reason(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenNoExpirationException => "it has no expiry",
        SecurityTokenInvalidAudienceException => "it was not issued for this service (audience)",
        SecurityTokenInvalidIssuerException => "it was not issued by a trusted issuer",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not verify",
        SecurityTokenMalformedException or ArgumentException => "it is not a well-formed JWT",
        BearerAuthentication.SubjectMissingException => "it names no subject (sub), which the audit trail records",
        _ => "it is not valid",
    };

    private static async Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
