using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Sources;

namespace AdManager.UnitTests.Sources;

public sealed class LegacyTablePlanTests
{
    private const uint Text = 25, Int4 = 23, Date = 1082, TimestampTz = 1184, Float8 = 701;

    private static LegacyColumn Column(string name, int? pk = null, uint oid = Text, char category = 'S', string type = "text") =>
        new(name, type, oid, category, pk);

    private static List<LegacyColumn> Catalogs(params LegacyColumn[] extra) =>
    [
        .. extra,
        Column("last_modified"), Column("catalog_id"), Column("merchant_id"), Column("catalog_name"), Column("country"), Column("default_currency"),
    ];

    [Fact]
    public void Spec_columns_are_read_in_spec_order_as_utf8_bytes_in_primary_key_order()
    {
        var plan = LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, Catalogs(Column("row_no", pk: 1, oid: Int4, category: 'N', type: "integer")));

        Assert.Equal("legacy.catalogs", plan.Name);
        Assert.Equal([0, 1, 2, 3, 4, 5], plan.Fields);
        Assert.Equal(
            "COPY (SELECT convert_to(\"catalog_id\"::text, 'UTF8'), convert_to(\"merchant_id\"::text, 'UTF8'), convert_to(\"catalog_name\"::text, 'UTF8'), " +
            "convert_to(\"country\"::text, 'UTF8'), convert_to(\"default_currency\"::text, 'UTF8'), convert_to(\"last_modified\"::text, 'UTF8') " +
            "FROM \"legacy\".\"catalogs\" ORDER BY \"row_no\") TO STDOUT (FORMAT BINARY)",
            plan.CopySql);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void A_sql_ascii_database_sends_its_raw_bytes_for_the_utf8_check()
    {
        var plan = LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, Catalogs(), "SQL_ASCII");
        Assert.Contains("convert_to(\"catalog_id\"::text, 'SQL_ASCII')", plan.CopySql);
        Assert.DoesNotContain("UTF8", plan.CopySql);
    }

    [Fact]
    public void A_composite_primary_key_orders_by_its_columns_in_key_order()
    {
        var plan = LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, Catalogs(Column("batch", pk: 2), Column("file", pk: 1)));
        Assert.EndsWith("ORDER BY \"file\", \"batch\") TO STDOUT (FORMAT BINARY)", plan.CopySql);
    }

    [Fact]
    public void A_spec_column_may_be_the_primary_key()
    {
        var columns = Catalogs().Select(c => c.Name == "catalog_id" ? c with { PrimaryKeyPosition = 1 } : c).ToList();
        var plan = LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, columns);
        Assert.EndsWith("ORDER BY \"catalog_id\") TO STDOUT (FORMAT BINARY)", plan.CopySql);
    }

    [Fact]
    public void Unknown_columns_are_warned_once_each_but_primary_key_columns_are_not()
    {
        var plan = LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, Catalogs(Column("row_no", pk: 1), Column("notes"), Column("Catalog_Id")));
        Assert.Equal(["legacy.catalogs: unknown column 'notes' ignored", "legacy.catalogs: unknown column 'Catalog_Id' ignored"], plan.Warnings);
        Assert.DoesNotContain("notes", plan.CopySql);
    }

    [Fact]
    public void Without_a_primary_key_rows_are_numbered_by_their_values_and_that_is_said()
    {
        var plan = LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, Catalogs());
        Assert.EndsWith("ORDER BY 1, 2, 3, 4, 5, 6) TO STDOUT (FORMAT BINARY)", plan.CopySql);
        Assert.Equal(["legacy.catalogs: no primary key; rows are numbered in the order of their values"], plan.Warnings);
    }

    [Fact]
    public void Absent_optional_columns_are_simply_not_read()
    {
        var columns = new List<LegacyColumn>
        {
            Column("campaign_id", pk: 1), Column("merchant_id"), Column("date"), Column("impressions"), Column("clicks"), Column("cost"),
        };
        var plan = LegacyTablePlan.Create("legacy", EntitySchema.CampaignPerformance, columns);
        Assert.Equal([0, 1, 2, 3, 4, 5], plan.Fields);
        Assert.DoesNotContain("conversions", plan.CopySql);
    }

    [Fact]
    public void Missing_required_columns_fail_naming_every_one()
    {
        var columns = Catalogs().Where(c => c.Name is not ("country" or "last_modified")).ToList();
        var ex = Assert.Throws<LegacySourceException>(() => LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, columns));
        Assert.Equal("legacy.catalogs lacks the required columns 'country', 'last_modified'", ex.Message);
    }

    [Fact]
    public void Integer_and_date_columns_are_read_as_the_export_would_write_them()
    {
        var columns = new List<LegacyColumn>
        {
            Column("campaign_id", pk: 1), Column("merchant_id"), Column("date", oid: Date, category: 'D', type: "date"),
            Column("impressions", oid: Int4, category: 'N', type: "integer"), Column("clicks"), Column("cost"),
        };
        var sql = LegacyTablePlan.Create("legacy", EntitySchema.CampaignPerformance, columns).CopySql;
        Assert.Contains("convert_to(CASE WHEN \"date\" BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' THEN to_char(\"date\", 'YYYY-MM-DD') ELSE \"date\"::text END, 'UTF8')", sql);
        Assert.Contains("convert_to(\"impressions\"::text, 'UTF8')", sql);
    }

    [Fact]
    public void Columns_whose_text_is_not_the_exports_fail_the_job()
    {
        var columns = Catalogs()
            .Select(c => c.Name switch
            {
                "last_modified" => c with { BaseTypeOid = TimestampTz, Category = 'D', TypeName = "timestamp with time zone" },
                "country" => c with { BaseTypeOid = Float8, Category = 'N', TypeName = "double precision" },
                _ => c,
            })
            .ToList();
        var ex = Assert.Throws<LegacySourceException>(() => LegacyTablePlan.Create("legacy", EntitySchema.Catalogs, columns));
        Assert.StartsWith("legacy.catalogs has columns 'country' (double precision), 'last_modified' (timestamp with time zone)", ex.Message);
    }

    [Fact]
    public void Identifiers_are_quoted_so_a_name_is_never_sql() =>
        Assert.Equal("\"a\"\"; DROP TABLE x; --\"", LegacyTablePlan.Quote("a\"; DROP TABLE x; --"));
}
