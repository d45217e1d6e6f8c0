using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AdManager.Api.Security;

/// <summary>How many jobs one caller may submit per window.</summary>
public sealed class SubmissionRateLimitOptions
{
    public const string Section = "RateLimiting:Submissions";

    /// <summary>Jobs per caller and window: far more than people or a script waiting for its jobs submit, a brake for a runaway loop.</summary>
    [Range(1, 100_000)]
    public int PermitLimit { get; set; } = 300;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Job submission is rate limited per caller (the token's <c>sub</c>; the client address when there is none), with
/// <c>429</c> and <c>Retry-After</c>. Only a request that would create a job spends a permit: it is taken after the body
/// has been validated, so a caller correcting bad requests (each a <c>400</c>, nothing created) is never throttled for
/// them. Reads are not limited: submissions start work on every silo, reads do not.
/// </summary>
public sealed partial class SubmissionRateLimit(IOptions<SubmissionRateLimitOptions> options, ILogger<SubmissionRateLimit> logger) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(caller =>
        RateLimitPartition.GetFixedWindowLimiter(caller, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PermitLimit,
            Window = options.Value.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public static IServiceCollection AddSubmissionRateLimit(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SubmissionRateLimitOptions>().Bind(configuration.GetSection(SubmissionRateLimitOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SubmissionRateLimit>();
        return services;
    }

    internal static string CallerKey(HttpContext http) =>
        http.User.FindFirst("sub")?.Value is { Length: > 0 } sub ? "sub:" + sub : "ip:" + http.Connection.RemoteIpAddress;

    /// <summary>Null when the caller may submit one more job (the permit is spent), else the <c>429</c> to answer.</summary>
    public IResult? Refuse(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(CallerKey(http));
        if (lease.IsAcquired) return null;
        var o = options.Value;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : o.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        Throttled(logger, CallerKey(http), seconds);
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            // ASP.NET Core's defaults give every other status a type, not 429 (RFC 6585's).
            Type = "https://tools.ietf.org/html/rfc6585#section-4",
            Title = "Too many job submissions",
            Detail = $"At most {o.PermitLimit} job submissions per {o.Window.TotalSeconds:0} s per caller; retry in {seconds} s.",
        });
    }

    public void Dispose() => _limiter.Dispose();

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Job submission throttled for {Caller}; retry after {RetryAfterSeconds} s")]
    private static partial void Throttled(ILogger logger, string caller, int retryAfterSeconds);
}
