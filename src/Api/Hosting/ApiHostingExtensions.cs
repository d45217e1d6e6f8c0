using System.Reflection;
using System.Text.Json.Serialization;
using AdManager.Api.Health;
using AdManager.Api.Jobs;
using AdManager.Grains.Stores;
using AdManager.Api.Portal;
using AdManager.Api.Security;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.OpenApi;

namespace AdManager.Api.Hosting;

/// <summary>The HTTP side: problem details, JSON, auth, rate limits, Swagger, health, the admin page.</summary>
public static partial class ApiHostingExtensions
{
    private static readonly object HeadRoutedAsGet = new();

    /// <summary>What a 503 tells a client to wait: about what a silo's failover or a store's restart takes.</summary>
    internal const string RetryAfterSeconds = "5";

    public static WebApplicationBuilder AddMigrationApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var http = context.HttpContext;
            // A 503 is a passing condition (a silo moving a job, a store restarting): say when to ask again.
            if (http.Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
            {
                http.Response.Headers.RetryAfter = RetryAfterSeconds;
                context.ProblemDetails.Detail ??= "A store or silo is briefly unavailable; retry the request (Retry-After says when).";
                // One line for the operator in place of the framework's error with its stack trace (suppressed below).
                if (context.Exception is { } cause)
                {
                    AnsweredUnavailable(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiHostingExtensions)),
                        http.Request.Method, Problems.Clip(http.Request.Path.ToString(), 200), StoreErrors.Describe(cause));
                }
            }
            // The answers the framework gives on its own (no endpoint, wrong method, not JSON) say what to do instead.
            context.ProblemDetails.Detail ??= http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"Nothing is served at {Problems.Clip(http.Request.Path.ToString(), 200)}; the API is under {JobsApi.Prefix} (see /swagger).",
                StatusCodes.Status405MethodNotAllowed => $"{Problems.Clip(http.Request.Method, 200)} is not allowed on {Problems.Clip(http.Request.Path.ToString(), 200)}"
                    + (http.Response.Headers.Allow.Count > 0 ? $"; it answers {http.Response.Headers.Allow}." : "."),
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON, sent as Content-Type: application/json.",
                _ => null,
            };
        });
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.AddSingleton<SubmitJobValidator>();
        services.AddMigrationHealthChecks();
        services.AddPlatformAuth(builder.Configuration);
        SubmissionRateLimit.AddSubmissionRateLimit(services, builder.Configuration);

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "AdManager data migration",
                Version = "v1",
                Description = "Submit and follow migrations of merchants' campaign and product-catalog data from the legacy system into PostgreSQL and DynamoDB.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml");
            if (File.Exists(xml)) o.IncludeXmlComments(xml);
            o.AddSecurityDefinition(BearerOperationFilter.SchemeName, BearerOperationFilter.Scheme);
            o.OperationFilter<BearerOperationFilter>();
            o.OperationFilter<JobsOperationFilter>();
        });
        return builder;
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503 (retry later): {Cause}")]
    private static partial void AnsweredUnavailable(ILogger logger, string method, string path, string cause);

    public static WebApplication UseMigrationApi(this WebApplication app)
    {
        if (app.Services.GetRequiredService<AdManager.Grains.Pipeline.Sources.FileSourceGuard>().Unrestricted)
        {
            app.Logger.LogWarning("No Sources:File:AllowedRoots configured: a file job may read any absolute path this process can read. "
                + "Deployments list their export volumes there.");
        }

        // Unhandled errors become a bare 500 problem: no stack trace or exception text reaches a client.
        // A grain whose silo just died, or a store restarting, is a passing condition: 503, retry later.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when TransientFaults.IsTransient(ex) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            // A 503 is expected while a silo fails over or a store restarts: it gets a warning line (above), not the
            // "unhandled exception" error with a stack trace per request. Anything else stays logged in full.
            SuppressDiagnosticsCallback = context => context.Exception is not BadHttpRequestException && TransientFaults.IsTransient(context.Exception),
        });
        app.UseStatusCodePages();
        app.UseAdminPortal();
        // HEAD is GET without the body (RFC 9110, 9.3.2), which every server must answer: a HEAD request reaches
        // Swagger's document and its GET endpoint as a GET, and is HEAD again once routed, for authorization (a read)
        // and logs; Kestrel sends no body for it either way. (The page's static files answer HEAD themselves.)
        app.Use((context, next) =>
        {
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Request.Method = HttpMethods.Get;
                context.Items[HeadRoutedAsGet] = true;
            }
            return next(context);
        });
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "AdManager data migration v1");
            o.RoutePrefix = "swagger";
        });
        // Health, the page and Swagger stay anonymous; the /admin endpoints require the platform policy.
        app.UseRouting();
        app.Use((context, next) =>
        {
            if (context.Items.ContainsKey(HeadRoutedAsGet)) context.Request.Method = HttpMethods.Head;
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapJobsApi();
        app.MapMigrationHealthChecks();
        return app;
    }
}
