using System.Text;
using System.Text.Json;
using AdManager.Api.Security;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AdManager.Api.Jobs;

/// <summary>The admin API for migration jobs (steps 1-2 and 5-6 of the sequence diagram).</summary>
public static partial class JobsApi
{
    public const string Prefix = "/admin/data-migration/jobs";

    /// <summary>Largest accepted job request: room for the 10,000 merchant ids a scope may list.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup(Prefix).WithTags("Migration jobs").RequireAuthorization(PlatformRoles.Policy);

        jobs.MapPost("/", SubmitAsync)
            .WithName("SubmitJob")
            .WithSummary("Submit a migration job")
            .WithDescription("Validates the request, records the job as Submitted and publishes its start event. Answers 202 at once; follow the Location header. An optional Idempotency-Key header makes retries safe for 24 hours.")
            .Accepts<SubmitJobRequest>("application/json")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .Produces<SubmitJobResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        jobs.MapGet("/", ListAsync)
            .WithName("ListJobs")
            .WithSummary("List jobs, newest first")
            .Produces<JobListResponse>()
            .ProducesValidationProblem();

        jobs.MapGet("/{jobId}", GetAsync)
            .WithName("GetJob")
            .WithSummary("A job's status, progress and report URL")
            .Produces<JobResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapPost("/{jobId}/cancel", CancelAsync)
            .WithName("CancelJob")
            .WithSummary("Stop a job at its next batch boundary")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        jobs.MapGet("/{jobId}/report", ReportAsync)
            .WithName("GetJobReport")
            .WithSummary("The validation report of a final job")
            .Produces<ReportResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        jobs.MapGet("/{jobId}/rejections", RejectionsAsync)
            .WithName("ListRejections")
            .WithSummary("Rejected records of a job, filterable by entity and reason")
            .Produces<RejectionListResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<IResult> SubmitAsync(
        HttpRequest request, SubmitJobValidator validator, IGrainFactory grains, JobIndexStore index, SubmissionRateLimit limit, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        if (body is null) return Problems.TooLarge($"A job request is at most {MaxBodyBytes / 1024} KiB.");

        SubmitJobRequest? submitted;
        string fingerprint;
        try
        {
            using var document = JsonDocument.Parse(body, ApiJson.StrictDocument);
            var shape = RequestShape.Check<SubmitJobRequest>(document.RootElement);
            if (shape.Count > 0) return NotAJobRequest(shape);
            submitted = document.RootElement.Deserialize<SubmitJobRequest>(ApiJson.Strict)!;
            fingerprint = RequestFingerprint.Of(document.RootElement);
        }
        catch (JsonException ex)
        {
            return NotAJobRequest(new() { [RequestShape.Body] = [$"is not valid JSON: {ApiJson.Describe(ex)}"] });
        }

        var (config, errors) = validator.Validate(submitted);
        if (config is null)
            return TypedResults.ValidationProblem(errors, detail: "The job request has invalid fields: " + Problems.Describe(errors) + ".", title: "Invalid job request");
        var key = request.Headers.TryGetValue("Idempotency-Key", out var keys) ? keys.ToString() : "";
        // Several headers were joined into one key, which no retry of either would have matched.
        if (keys.Count > 1) return Problems.BadRequest("Send one Idempotency-Key header; this request has " + keys.Count + ".");
        if (key.Length > 200) return Problems.BadRequest("Idempotency-Key must be at most 200 characters.");
        if (key.Any(char.IsControl)) return Problems.BadRequest("Idempotency-Key must not contain control characters (a tab, say).");
        // Only a request that may create a job counts against the caller's limit (a replay of an idempotent one too).
        if (limit.Refuse(request.HttpContext) is { } tooMany) return tooMany;

        var jobId = JobIds.Next();
        if (key.Length > 0)
        {
            // A key is the caller's own (IETF's draft: unique per client): another caller's same key and body is another
            // job, and tells nothing of what someone else submitted. A subject holds no control character, a header no LF.
            var caller = request.HttpContext.User.Identity?.Name;
            var claim = await index.ClaimAsync($"{caller}\n{key}", fingerprint, jobId, ct);
            if (!claim.SameRequest)
                return Problems.Conflict("This Idempotency-Key was used within the last 24 hours with a different request body.");
            if (!claim.Created)
            {
                // The same job. Submitting it again is idempotent, and finishes what the first request may not have
                // (it failed after claiming the key: the job not recorded, or recorded but not yet started).
                // The answer is the first request's (IETF's Idempotency-Key draft): 202, the same Location and body;
                // the job's current status is one GET away.
                await grains.GetGrain<IMigrationJobGrain>(claim.JobId).Submit(config, request.HttpContext.User.Identity?.Name);
                request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                return Accepted(claim.JobId, JobStatus.Submitted);
            }
            jobId = claim.JobId;
        }

        var principal = request.HttpContext.User.Identity?.Name;
        var snapshot = await grains.GetGrain<IMigrationJobGrain>(jobId).Submit(config, principal);
        return Accepted(jobId, snapshot.Status);
    }

    /// <summary>The body, or null past <see cref="MaxBodyBytes"/> (whether or not the server enforces the endpoint's limit itself).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }

    /// <summary>The shape of every rejection reason (<c>invalid_encoding</c>, <c>too_long:campaign_name</c>, ...).</summary>
    internal const string ReasonPattern = "^[a-z_]{1,40}(:[a-z0-9_]{1,64})?$";

    [System.Text.RegularExpressions.GeneratedRegex(ReasonPattern)]
    private static partial System.Text.RegularExpressions.Regex ReasonCode();

    /// <summary>A query parameter as given, or null when absent or empty (<c>?status=&amp;cursor=</c> means no filter, first page).</summary>
    private static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// The page size: <paramref name="fallback"/> when absent or empty, else a whole number from 1 to <paramref name="max"/>.
    /// Read here rather than bound as a number, so <c>limit=abc</c> gets the same problem, with its errors map, as <c>limit=0</c>.
    /// </summary>
    private static int Limit(string? limit, int fallback, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(limit)) return fallback;
        if (int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var take) && take >= 1 && take <= max)
            return take;
        errors["limit"] = [$"limit must be a whole number from 1 to {max}"];
        return fallback;
    }

    private static IResult NotAJobRequest(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors,
        detail: "The request body does not fit a job request: " + Problems.Describe(errors) + ".",
        title: "Invalid job request");

    private static IResult InvalidQuery(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors,
        detail: "Invalid query parameters: " + Problems.Describe(errors) + ".",
        title: "Invalid query");

    private static IResult Accepted(Guid jobId, JobStatus status) =>
        TypedResults.Accepted(JobMapping.JobUrl(jobId), new SubmitJobResponse(jobId, status.ToWire()));

    private static async Task<IResult> ListAsync(
        IGrainFactory grains, JobIndexStore index, CancellationToken ct,
        [FromQuery] string? status = null, [FromQuery] string? limit = null, [FromQuery] string? cursor = null)
    {
        var errors = new Dictionary<string, string[]>();
        status = Given(status);
        cursor = Given(cursor);
        if (status is not null && !JobStatusExtensions.TryParseWire(status, out _))
            errors["status"] = [$"unknown status; expected one of {string.Join(", ", Enum.GetValues<JobStatus>().Select(s => s.ToWire()))}"];
        var take = Limit(limit, 50, 200, errors);
        Guid? before = null;
        if (cursor is not null)
        {
            if (Guid.TryParseExact(cursor, "N", out var after)) before = after;
            else errors["cursor"] = ["cursor is not one this API returned"];
        }
        if (errors.Count > 0) return InvalidQuery(errors);

        var ids = await index.ListAsync(status, before, take + 1, ct);
        var page = ids.Take(take).ToList();
        var snapshots = await Task.WhenAll(page.Select(id => grains.GetGrain<IMigrationJobGrain>(id).GetSnapshot()));
        // The index is written just after the job's own state, so for a moment it may hold a job's previous status:
        // a job that has just moved on is left out rather than listed under a status filter it no longer has.
        var items = snapshots.Where(s => s is not null && (status is null || s.Status.ToWire() == status)).Select(s => s!.ToResponse()).ToList();
        var next = ids.Count > take ? page[^1].ToString("N") : null;
        return TypedResults.Ok(new JobListResponse(items, next));
    }

    private static async Task<IResult> GetAsync(string jobId, IGrainFactory grains)
    {
        if (!Guid.TryParse(jobId, out var id)) return Problems.JobNotFound(jobId);
        var snapshot = await grains.GetGrain<IMigrationJobGrain>(id).GetSnapshot();
        return snapshot is null ? Problems.JobNotFound(jobId) : TypedResults.Ok(snapshot.ToResponse());
    }

    private static async Task<IResult> CancelAsync(string jobId, HttpContext context, IGrainFactory grains)
    {
        if (!Guid.TryParse(jobId, out var id)) return Problems.JobNotFound(jobId);
        var outcome = await grains.GetGrain<IMigrationJobGrain>(id).Cancel(context.User.Identity?.Name);
        return outcome switch
        {
            CancelOutcome.Accepted => TypedResults.Accepted(JobMapping.JobUrl(id)),
            CancelOutcome.AlreadyFinal => Problems.Conflict($"Job {id} is already final and cannot be cancelled."),
            _ => Problems.JobNotFound(jobId),
        };
    }

    private static async Task<IResult> ReportAsync(string jobId, IGrainFactory grains)
    {
        if (!Guid.TryParse(jobId, out var id)) return Problems.JobNotFound(jobId);
        var grain = grains.GetGrain<IMigrationJobGrain>(id);
        var report = await grain.GetReport();
        if (report is not null) return TypedResults.Ok(report.ToResponse());
        return await grain.GetSnapshot() is null
            ? Problems.JobNotFound(jobId)
            : Problems.NotFound("Report not ready", $"Job {id} is not final yet; its report appears when it is.");
    }

    private static async Task<IResult> RejectionsAsync(
        string jobId, IGrainFactory grains, RejectionQueries rejections, CancellationToken ct,
        [FromQuery] string? entity = null, [FromQuery] string? reason = null, [FromQuery] string? limit = null, [FromQuery] string? cursor = null)
    {
        if (!Guid.TryParse(jobId, out var id) || await grains.GetGrain<IMigrationJobGrain>(id).GetSnapshot() is null)
            return Problems.JobNotFound(jobId);

        var errors = new Dictionary<string, string[]>();
        entity = Given(entity);
        reason = Given(reason);
        cursor = Given(cursor);
        EntityKind? kind = null;
        if (entity is not null)
        {
            var schema = EntitySchema.All.FirstOrDefault(e => e.Name == entity);
            if (schema is null) errors["entity"] = [$"unknown entity; expected one of {string.Join(", ", EntitySchema.All.Select(e => e.Name))}"];
            else kind = schema.Kind;
        }
        if (reason is not null && !ReasonCode().IsMatch(reason))
            errors["reason"] = ["reason must be a reason code such as malformed_row or invalid_value:currency"];
        var take = Limit(limit, 100, 1000, errors);
        (short, long)? after = null;
        if (cursor is not null)
        {
            if (RejectionCursor.TryParse(cursor, out var position)) after = position;
            else errors["cursor"] = ["cursor is not one this API returned"];
        }
        if (errors.Count > 0) return InvalidQuery(errors);

        var rows = await rejections.PageAsync(id, kind, reason, after, take + 1, ct);
        var page = rows.Take(take).Select(r => new RejectionResponse(r.Entity, r.Line, r.Key, r.Reason, r.Detail)).ToList();
        var next = rows.Count > take ? RejectionCursor.Format(rows[take - 1]) : null;
        return TypedResults.Ok(new RejectionListResponse(page, next));
    }
}

/// <summary>Opaque keyset cursor over (entity, line).</summary>
internal static class RejectionCursor
{
    public static string Format(RejectionRow row)
    {
        var entity = (short)EntitySchema.All.First(e => e.Name == row.Entity).Kind;
        return Convert.ToBase64String(Encoding.ASCII.GetBytes($"{entity}:{row.Line}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryParse(string cursor, out (short Entity, long Line) position)
    {
        position = default;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(base64)).Split(':');
            if (parts.Length == 2 && short.TryParse(parts[0], out var entity) && long.TryParse(parts[1], out var line) && entity is >= 0 and <= 3)
            {
                position = (entity, line);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}
