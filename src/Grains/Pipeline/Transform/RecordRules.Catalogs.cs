using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

public static partial class RecordRules
{
    public const int MaxCatalogNameLength = 255;

    /// <summary>catalogs -> <see cref="CatalogRecord"/> with <c>ProductCount = 0</c> (the pipeline counts products later).</summary>
    public static bool TryCatalog(string?[] values, out CatalogRecord? record, out Rejection rejection)
    {
        record = null;
        var row = new Row(EntitySchema.Catalogs, values);
        if (!row.Required(Catalog.CatalogId, Parsers.Id, out var catalogId, out rejection)
            || !row.Required(Catalog.MerchantId, Parsers.Id, out var merchantId, out rejection)
            || !row.Text(Catalog.Name, MaxCatalogNameLength, out var name, out rejection)
            || !row.Required(Catalog.Country, Parsers.Country, out var country, out rejection)
            || !row.Required(Catalog.DefaultCurrency, Parsers.Currency, out var defaultCurrency, out rejection)
            || !row.Required(Catalog.LastModified, Parsers.Timestamp, out var lastModified, out rejection))
        {
            return false;
        }

        record = new CatalogRecord(catalogId, merchantId, name, country, defaultCurrency, lastModified, ProductCount: 0);
        return true;
    }

    private static class Catalog
    {
        private static readonly EntitySchema S = EntitySchema.Catalogs;
        public static readonly int CatalogId = S.IndexOf("catalog_id");
        public static readonly int MerchantId = S.IndexOf("merchant_id");
        public static readonly int Name = S.IndexOf("catalog_name");
        public static readonly int Country = S.IndexOf("country");
        public static readonly int DefaultCurrency = S.IndexOf("default_currency");
        public static readonly int LastModified = S.IndexOf("last_modified");
    }
}
