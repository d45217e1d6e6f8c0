using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace AdManager.Api.Security;

/// <summary>Marks the operations that need a token (Swagger UI's Authorize button then sends it) and documents their 401/403.</summary>
internal sealed class BearerOperationFilter : IOperationFilter
{
    public const string SchemeName = "Bearer";

    public static OpenApiSecurityScheme Scheme => new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "JWT",
        Description = $"A JWT of the platform's identity provider with role {PlatformRoles.Admin} (everything) or {PlatformRoles.Viewer} (GET only). Locally: ./run.sh token",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any()) return;

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No bearer token, or one that does not validate (problem details)" });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the role this needs (problem details)" });
    }
}
