using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AdManager.Api.Security;

/// <summary>How many jobs one caller may submit per window.</summary>
public sealed class SubmissionRateLimitOptions
{
    public const string Section = "RateLimiting:Submissions";

    /// <summary>Submissions per caller and window; generous for people, a brake for a runaway script.</summary>
    [Range(1, 100_000)]
    public int PermitLimit { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Job submission is rate limited per caller (the token's <c>sub</c>; the client address when there is
/// none), with <c>429</c> and <c>Retry-After</c>. Submissions start work on every silo, reads do not, so
/// only submission is limited.
/// </summary>
public static partial class SubmissionRateLimit
{
    public const string Policy = "job-submission";

    public static IServiceCollection AddSubmissionRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SubmissionRateLimitOptions>().Bind(configuration.GetSection(SubmissionRateLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, http =>
            {
                var o = http.RequestServices.GetRequiredService<IOptions<SubmissionRateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(CallerKey(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = o.PermitLimit,
                    Window = o.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = RejectedAsync;
        });
        return services;
    }

    internal static string CallerKey(HttpContext http) =>
        http.User.FindFirst("sub")?.Value is { Length: > 0 } sub ? "sub:" + sub : "ip:" + http.Connection.RemoteIpAddress;

    private static async ValueTask RejectedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var o = http.RequestServices.GetRequiredService<IOptions<SubmissionRateLimitOptions>>().Value;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : o.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        Log.Throttled(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SubmissionRateLimit)), CallerKey(http), seconds);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many job submissions",
                Detail = $"At most {o.PermitLimit} job submissions per {o.Window.TotalSeconds:0} s per caller; retry in {seconds} s.",
            },
        });
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Job submission throttled for {Caller}; retry after {RetryAfterSeconds} s")]
        public static partial void Throttled(ILogger logger, string caller, int retryAfterSeconds);
    }
}
