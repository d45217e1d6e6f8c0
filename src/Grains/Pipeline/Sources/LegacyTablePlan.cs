using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>One column of a legacy table as the catalog describes it.</summary>
/// <param name="Name">The column's name (matched case-sensitively, like a CSV header).</param>
/// <param name="TypeName">The declared type, for messages.</param>
/// <param name="BaseTypeOid">The type's OID, or its base type's for a domain.</param>
/// <param name="Category">The base type's <c>typcategory</c> (<c>S</c> for strings).</param>
/// <param name="PrimaryKeyPosition">1-based position in the primary key, or null.</param>
/// <param name="Readable">The role may select it (a grant on the table, or on the column).</param>
public sealed record LegacyColumn(string Name, string TypeName, uint BaseTypeOid, char Category, int? PrimaryKeyPosition, bool Readable = true);

/// <summary>
/// How one legacy table is read: a binary COPY of the spec's columns in primary-key order, each value as UTF-8 bytes
/// (so <c>invalid_encoding</c> is decided on the bytes, as for files), and which spec column each field feeds.
/// </summary>
public sealed class LegacyTablePlan
{
    private const uint Int8 = 20, Int2 = 21, Int4 = 23, Json = 114, Date = 1082, Numeric = 1700, Jsonb = 3802;

    private LegacyTablePlan(EntitySchema entity, string name, string copySql, IReadOnlyList<int> fields, IReadOnlyList<string> warnings)
    {
        Entity = entity;
        Name = name;
        CopySql = copySql;
        Fields = fields;
        Warnings = warnings;
    }

    public EntitySchema Entity { get; }

    /// <summary><c>schema.table</c>, as messages and warnings name it.</summary>
    public string Name { get; }

    public string CopySql { get; }

    /// <summary>For each field of a COPY row, the index of the spec column it holds.</summary>
    public IReadOnlyList<int> Fields { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Plans the read of <paramref name="entity"/>'s table from its catalog columns. Columns outside the spec are
    /// ignored with one warning each, except primary-key columns, which are used: they give the rows their order.
    /// Without a primary key (a view), rows are ordered by all their values, which is deterministic.
    /// </summary>
    /// <param name="schema">The legacy schema.</param>
    /// <param name="entity">The entity the table holds.</param>
    /// <param name="columns">The table's columns, from the catalog.</param>
    /// <param name="serverEncoding">
    /// The database's encoding. Values are sent as their UTF-8 bytes, converted by the server; a <c>SQL_ASCII</c>
    /// database has no encoding to convert from (and the server would refuse bytes that are not UTF-8), so its raw
    /// bytes are sent as they are and checked here.
    /// </param>
    /// <exception cref="LegacySourceException">A required column is missing, or a spec column has a type whose text is not the export's.</exception>
    public static LegacyTablePlan Create(string schema, EntitySchema entity, IReadOnlyList<LegacyColumn> columns, string serverEncoding = "UTF8")
    {
        var name = $"{schema}.{entity.Name}";
        var present = columns.Where(c => entity.IndexOf(c.Name) >= 0).OrderBy(c => entity.IndexOf(c.Name)).ToList();
        var missing = entity.Columns.Where(c => c.Required && present.All(p => p.Name != c.Name)).Select(c => $"'{c.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw new LegacySourceException($"{name} lacks the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
        }

        var unsupported = present.Where(c => TextOf(c) is null).Select(c => $"'{c.Name}' ({c.TypeName})").ToList();
        if (unsupported.Count > 0)
        {
            throw new LegacySourceException(
                $"{name} has column{(unsupported.Count > 1 ? "s" : "")} {string.Join(", ", unsupported)} of a type whose text is not the export's; " +
                "use text (values as the export writes them), or integer, numeric, date or json");
        }

        var primaryKey = columns.Where(c => c.PrimaryKeyPosition is not null).OrderBy(c => c.PrimaryKeyPosition).ToList();
        // Grants per column are enough, for the columns read: the spec's and the key's (the order).
        var unreadable = present.Union(primaryKey).Where(c => !c.Readable).Select(c => $"'{Shorten(c.Name)}'").ToList();
        if (unreadable.Count > 0)
        {
            throw new LegacySourceException(
                $"the legacy database's role may not read the column{(unreadable.Count > 1 ? "s" : "")} {string.Join(", ", unreadable)} of {name} (no SELECT privilege)");
        }

        var warnings = new List<string>();
        foreach (var column in columns.Where(c => entity.IndexOf(c.Name) < 0 && c.PrimaryKeyPosition is null))
        {
            warnings.Add($"{name}: unknown column '{Shorten(column.Name)}' ignored");
        }

        string orderBy;
        if (primaryKey.Count > 0)
        {
            orderBy = string.Join(", ", primaryKey.Select(c => Quote(c.Name)));
        }
        else
        {
            // Bytes compare the same under every collation, so the numbering does not depend on the server's locale.
            orderBy = string.Join(", ", Enumerable.Range(1, present.Count));
            warnings.Add($"{name}: no primary key; rows are numbered in the order of their values");
        }

        var bytesIn = serverEncoding == "SQL_ASCII" ? "SQL_ASCII" : "UTF8";
        var select = string.Join(", ", present.Select(c => $"convert_to({TextOf(c)}, '{bytesIn}')"));
        var sql = $"COPY (SELECT {select} FROM {Quote(schema)}.{Quote(entity.Name)} ORDER BY {orderBy}) TO STDOUT (FORMAT BINARY)";
        return new LegacyTablePlan(entity, name, sql, present.Select(c => entity.IndexOf(c.Name)).ToList(), warnings);
    }

    /// <summary>A quoted SQL identifier: any name is taken literally, never as SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The column's value as the text an export would hold, or null for a type that has no such text.</summary>
    private static string? TextOf(LegacyColumn column)
    {
        var q = Quote(column.Name);
        if (column.Category == 'S') return $"{q}::text";
        return column.BaseTypeOid switch
        {
            Int2 or Int4 or Int8 or Numeric or Json or Jsonb => $"{q}::text",
            // to_char, not ::text: the text of a date depends on the session's DateStyle. But to_char drops the era (44 BC
            // would read as AD 44) and gives nothing for infinity: those keep their own text, which no rule takes for a date.
            Date => $"CASE WHEN {q} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' THEN to_char({q}, 'YYYY-MM-DD') ELSE {q}::text END",
            _ => null,
        };
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "...";
}
