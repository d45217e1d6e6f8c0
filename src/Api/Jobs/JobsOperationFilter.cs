using System.Text.Json.Nodes;
using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Schema;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace AdManager.Api.Jobs;

/// <summary>
/// What the jobs API's handlers check by hand, told in the OpenAPI document too: the <c>Idempotency-Key</c> header of
/// a submission, and the query parameters' types, ranges and values (read as text by the handlers, so that a bad one
/// gets the API's own problem naming it rather than the framework's bare 400).
/// </summary>
internal sealed class JobsOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        switch (operation.OperationId)
        {
            case "SubmitJob":
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "Idempotency-Key",
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Makes retries safe: the same key with the same body within 24 hours answers as the first request did "
                        + "(its job, header Idempotent-Replayed: true) instead of creating a second job; with another body it is a 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
                });
                break;
            case "ListJobs":
                Describe(operation, "limit", Whole(1, 200, 50), "Jobs per page, 1..200.");
                Describe(operation, "status", OneOf(Enum.GetValues<JobStatus>().Select(s => s.ToWire())), "Only jobs in this status.");
                Describe(operation, "cursor", null, "The nextCursor of the previous page.");
                break;
            case "ListRejections":
                Describe(operation, "limit", Whole(1, 1000, 100), "Rejections per page, 1..1000.");
                Describe(operation, "entity", OneOf(EntitySchema.All.Select(e => e.Name)), "Only rejections of this entity.");
                Describe(operation, "reason", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = JobsApi.ReasonPattern },
                    "Only rejections with this reason code (malformed_row, invalid_value:currency, ...).");
                Describe(operation, "cursor", null, "The nextCursor of the previous page.");
                break;
        }
    }

    private static void Describe(OpenApiOperation operation, string name, OpenApiSchema? schema, string description)
    {
        if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == name) is not { } parameter) return;
        if (schema is not null) parameter.Schema = schema;
        parameter.Description = description;
    }

    private static OpenApiSchema Whole(int min, int max, int fallback) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int32",
        Minimum = min.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Maximum = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Default = JsonValue.Create(fallback),
    };

    private static OpenApiSchema OneOf(IEnumerable<string> values) => new()
    {
        Type = JsonSchemaType.String,
        Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
    };
}
