using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

public static partial class RecordRules
{
    public const int MaxTitleLength = 500;
    public const int MaxDescriptionLength = 5000;

    /// <summary>
    /// products -> <see cref="ProductRecord"/>: price above 0, sale_price at most price (0 allowed), currency
    /// null when empty (the pipeline fills in the catalog's), availability normalized to <c>in_stock</c> etc.,
    /// description, sale_price, gtin and image_link null when empty; gtin and links stored as given.
    /// </summary>
    public static bool TryProduct(string?[] values, out ProductRecord? record, out Rejection rejection)
    {
        record = null;
        var row = new Row(EntitySchema.Products, values);
        if (!row.Required(Product.ProductId, Parsers.Id, out var productId, out rejection)
            || !row.Required(Product.CatalogId, Parsers.Id, out var catalogId, out rejection)
            || !row.Required(Product.MerchantId, Parsers.Id, out var merchantId, out rejection)
            || !row.Text(Product.Title, MaxTitleLength, out var title, out rejection)
            || !row.OptionalText(Product.Description, MaxDescriptionLength, out var description, out rejection)
            || !row.Required(Product.Price, Parsers.Money, out var price, out rejection))
        {
            return false;
        }

        if (price == 0)
        {
            return row.Invalid(Product.Price, $"price {Quote.Value(row.Trimmed(Product.Price))} must be greater than 0", out rejection);
        }

        if (!row.OptionalValue(Product.SalePrice, Parsers.Money, out var salePrice, out rejection))
        {
            return false;
        }

        if (salePrice > price)
        {
            return row.Invalid(
                Product.SalePrice, $"sale_price {Formats.MoneyText(salePrice.Value)} exceeds price {Formats.MoneyText(price)}", out rejection);
        }

        if (!row.Optional(Product.Currency, Parsers.OptionalCurrency, null, out var currency, out rejection)
            || !row.Required(Product.Availability, Parsers.Availability, out var availability, out rejection)
            || !row.Optional(Product.Gtin, Parsers.Gtin, null, out var gtin, out rejection)
            || !row.Required(Product.Link, Parsers.Url, out var link, out rejection)
            || !row.Optional(Product.ImageLink, Parsers.OptionalUrl, null, out var imageLink, out rejection)
            || !row.Required(Product.LastModified, Parsers.Timestamp, out var lastModified, out rejection))
        {
            return false;
        }

        record = new ProductRecord(
            productId, catalogId, merchantId, title, description, price, salePrice, currency, availability, gtin, link, imageLink, lastModified);
        return true;
    }

    private static class Product
    {
        private static readonly EntitySchema S = EntitySchema.Products;
        public static readonly int ProductId = S.IndexOf("product_id");
        public static readonly int CatalogId = S.IndexOf("catalog_id");
        public static readonly int MerchantId = S.IndexOf("merchant_id");
        public static readonly int Title = S.IndexOf("title");
        public static readonly int Description = S.IndexOf("description");
        public static readonly int Price = S.IndexOf("price");
        public static readonly int SalePrice = S.IndexOf("sale_price");
        public static readonly int Currency = S.IndexOf("currency");
        public static readonly int Availability = S.IndexOf("availability");
        public static readonly int Gtin = S.IndexOf("gtin");
        public static readonly int Link = S.IndexOf("link");
        public static readonly int ImageLink = S.IndexOf("image_link");
        public static readonly int LastModified = S.IndexOf("last_modified");
    }
}
