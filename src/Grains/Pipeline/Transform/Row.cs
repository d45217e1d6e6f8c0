using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>A format check as <see cref="Formats"/> writes them: trimmed non-empty text in, value or detail out.</summary>
internal delegate bool Parser<T>(string value, out T result, out string detail);

/// <summary>
/// The raw values of one record and its entity's columns. Each method checks one column in the spec's way
/// (trim, empty means missing or default, then the format) and on failure builds the column's rejection.
/// </summary>
internal readonly struct Row
{
    private readonly string?[] _values;
    private readonly ColumnReasons _reasons;

    public Row(EntitySchema schema, string?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != schema.Columns.Count)
        {
            throw new ArgumentException(
                $"{schema.Name} has {schema.Columns.Count} columns but {values.Length} values were given", nameof(values));
        }

        _values = values;
        _reasons = ColumnReasons.For(schema.Kind);
    }

    /// <summary>The value trimmed of Unicode White_Space; empty when absent.</summary>
    public string Trimmed(int column) => _values[column]?.Trim() ?? "";

    public string Name(int column) => _reasons.Names[column];

    public bool Required<T>(int column, Parser<T> parse, out T value, out Rejection rejection)
    {
        var raw = Trimmed(column);
        if (raw.Length == 0)
        {
            value = default!;
            return Missing(column, out rejection);
        }

        return Parse(column, raw, parse, out value, out rejection);
    }

    /// <summary>An optional column: <paramref name="fallback"/> when empty, else it must parse.</summary>
    public bool Optional<T>(int column, Parser<T> parse, T fallback, out T value, out Rejection rejection)
    {
        var raw = Trimmed(column);
        if (raw.Length == 0)
        {
            value = fallback;
            rejection = default;
            return true;
        }

        return Parse(column, raw, parse, out value, out rejection);
    }

    /// <summary>An optional value type column: null when empty.</summary>
    public bool OptionalValue<T>(int column, Parser<T> parse, out T? value, out Rejection rejection)
        where T : struct
    {
        var raw = Trimmed(column);
        if (raw.Length == 0)
        {
            value = null;
            rejection = default;
            return true;
        }

        var ok = Parse(column, raw, parse, out var parsed, out rejection);
        value = ok ? parsed : null;
        return ok;
    }

    /// <summary>text(n), required.</summary>
    public bool Text(int column, int maxCodePoints, out string text, out Rejection rejection)
    {
        var raw = Trimmed(column);
        if (raw.Length == 0)
        {
            text = "";
            return Missing(column, out rejection);
        }

        return CheckText(column, raw, maxCodePoints, out text, out rejection);
    }

    /// <summary>text(n), optional: null when empty.</summary>
    public bool OptionalText(int column, int maxCodePoints, out string? text, out Rejection rejection)
    {
        var raw = Trimmed(column);
        if (raw.Length == 0)
        {
            text = null;
            rejection = default;
            return true;
        }

        var ok = CheckText(column, raw, maxCodePoints, out var checkedText, out rejection);
        text = checkedText;
        return ok;
    }

    /// <summary>Always false: <c>invalid_value:&lt;column&gt;</c> with the detail.</summary>
    public bool Invalid(int column, string detail, out Rejection rejection)
    {
        rejection = new Rejection(_reasons.Invalid[column], detail);
        return false;
    }

    private bool Missing(int column, out Rejection rejection)
    {
        rejection = new Rejection(_reasons.Missing[column], $"{_reasons.Names[column]} is required but empty or absent");
        return false;
    }

    private bool Parse<T>(int column, string raw, Parser<T> parse, out T value, out Rejection rejection)
    {
        if (parse(raw, out value, out var detail))
        {
            rejection = default;
            return true;
        }

        return Invalid(column, detail, out rejection);
    }

    private bool CheckText(int column, string raw, int maxCodePoints, out string text, out Rejection rejection)
    {
        if (Formats.TryText(raw, maxCodePoints, out text, out var fault, out var detail))
        {
            rejection = default;
            return true;
        }

        rejection = new Rejection(fault == TextFault.TooLong ? _reasons.TooLong[column] : _reasons.Invalid[column], detail);
        return false;
    }
}
