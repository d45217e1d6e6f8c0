namespace AdManager.Api.Jobs;

/// <summary>RFC 9457 problem details the jobs API answers with.</summary>
internal static class Problems
{
    public static IResult JobNotFound(string jobId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Job not found",
            detail: $"No migration job has the id '{Clip(jobId, 64)}'.");

    public static IResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: detail);

    public static IResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: detail);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>A caller's text quoted in a problem: at most <paramref name="max"/> characters, then "...".</summary>
    public static string Clip(string value, int max) => value.Length <= max ? value : value[..max] + "...";

    /// <summary>One line naming every field of a validation problem's <c>errors</c> map, for its <c>detail</c>.</summary>
    public static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
}
