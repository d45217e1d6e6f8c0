using System.ComponentModel.DataAnnotations;

namespace AdManager.Grains.Stores.Dynamo;

/// <summary>How the service reaches DynamoDB. Locally a dynalite endpoint; in production the real service (endpoint unset, credentials from the environment).</summary>
public sealed class DynamoOptions
{
    public const string Section = "DynamoDb";

    /// <summary>Endpoint override such as <c>http://127.0.0.1:28000</c>; null for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    [Required]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Static credentials for an emulator. Leave unset in production, where the SDK's credential chain applies.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret half of <see cref="AccessKey"/>; never logged.</summary>
    public string? SecretKey { get; set; }

    /// <summary>How many BatchWriteItem/BatchGetItem requests one batch may have in flight.</summary>
    [Range(1, 256)]
    public int RequestConcurrency { get; set; } = 8;

    /// <summary>Attempts for a request whose items come back unprocessed, before the batch fails.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Create the tables at start when missing (on for local stacks and tests).</summary>
    public bool CreateTables { get; set; } = true;
}
