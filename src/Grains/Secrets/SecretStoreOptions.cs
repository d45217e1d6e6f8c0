using System.ComponentModel.DataAnnotations;

namespace AdManager.Grains.Secrets;

/// <summary>
/// Where secrets are found besides configuration (<c>Secrets:{name}</c>). Its own section, because every
/// key under <c>Secrets</c> is a secret's name.
/// </summary>
public sealed class SecretStoreOptions : IValidatableObject
{
    public const string Section = "SecretStore";

    /// <summary>A directory with one file per secret, the file name being the secret's name (a mounted Kubernetes Secret).</summary>
    public string? Directory { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Directory) && !Path.IsPathFullyQualified(Directory))
            yield return new ValidationResult($"{Section}:Directory must be an absolute path", [nameof(Directory)]);
    }
}
