using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>Reason codes per column, built once so that a rejection allocates only its detail.</summary>
internal sealed class ColumnReasons
{
    private static readonly ColumnReasons[] ByKind = EntitySchema.All.Select(s => new ColumnReasons(s)).ToArray();

    private ColumnReasons(EntitySchema schema)
    {
        Names = schema.Columns.Select(c => c.Name).ToArray();
        Missing = Names.Select(n => "missing_field:" + n).ToArray();
        Invalid = Names.Select(n => "invalid_value:" + n).ToArray();
        TooLong = Names.Select(n => "too_long:" + n).ToArray();
    }

    public string[] Names { get; }

    public string[] Missing { get; }

    public string[] Invalid { get; }

    public string[] TooLong { get; }

    public static ColumnReasons For(EntityKind kind) => ByKind[(int)kind];
}
