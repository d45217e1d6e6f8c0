namespace AdManager.Api.Portal;

/// <summary>
/// The admin portal (PlatformAdminPortal of the sequence diagram): static files from <c>wwwroot</c>,
/// served anonymously (the page holds no data; every API call it makes carries the user's token),
/// under a strict content security policy: scripts, styles and connections to this origin only.
/// </summary>
public static class PortalHosting
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseAdminPortal(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // Swagger UI brings its own inline bootstrap script; everything else lives under the strict policy.
            if (!context.Request.Path.StartsWithSegments("/swagger"))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
            }
            return next(context);
        });
        app.UseDefaultFiles();
        // Revalidate on every load: a deployment's new page reaches administrators at once.
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = f => f.Context.Response.Headers.CacheControl = "no-cache" });
        return app;
    }
}
