namespace AdManager.Grains.Secrets;

/// <summary>
/// A resolved secret. Not serializable by Orleans (it cannot travel in a grain call, event or state) and
/// its <see cref="ToString"/> hides the value, so interpolating it into a log or message leaks nothing.
/// </summary>
public sealed class SecretValue(string name, string value)
{
    /// <summary>The secret's name (safe to show).</summary>
    public string Name => name;

    /// <summary>The value, for handing to the client library that needs it.</summary>
    public string Reveal() => value;

    public override string ToString() => $"[secret {name}]";
}

/// <summary>No usable secret of this name is configured; the message names the reference, never a value.</summary>
public sealed class SecretNotFoundException(string name, string? why = null)
    : Exception(why ?? $"secret '{name}' is not configured on the silo (set Secrets__{name} or mount a file named {name} in the secrets directory)")
{
    public string SecretName => name;
}
