using Microsoft.AspNetCore.Authorization;

namespace AdManager.Api.Security;

/// <summary>Reads need <see cref="PlatformRoles.Viewer"/> or <see cref="PlatformRoles.Admin"/>; changes need <see cref="PlatformRoles.Admin"/>.</summary>
public sealed class PlatformAccessRequirement : IAuthorizationRequirement;

internal sealed class PlatformAccessHandler : AuthorizationHandler<PlatformAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformAccessRequirement requirement)
    {
        // Without a request to look at (no HttpContext resource) only the admin role is enough.
        var read = context.Resource is HttpContext http && PlatformRoles.IsRead(http.Request.Method);
        if (context.User.IsInRole(PlatformRoles.Admin) || (read && context.User.IsInRole(PlatformRoles.Viewer)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}
