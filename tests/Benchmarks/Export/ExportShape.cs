namespace AdManager.Benchmarks.Export;

/// <summary>
/// What a generated export holds. Ids start with <see cref="Prefix"/>, so exports of one bench run (or of
/// different tests) never share keys in the targets. Catalogs follow from products
/// (<see cref="ProductsPerCatalog"/> each); campaign performance rows refer to the campaigns round-robin.
/// </summary>
public sealed record ExportShape(
    string Prefix,
    long Campaigns,
    long Performance = 0,
    long Products = 0,
    int RejectPerMille = 5,
    int SupersedePerMille = 5)
{
    public const int ProductsPerCatalog = 1000;

    public long Catalogs => (Products + ProductsPerCatalog - 1) / ProductsPerCatalog;

    public long Merchants => Math.Clamp(Math.Max(Campaigns, Catalogs) / 100, 1, 10_000);

    public long Records => Campaigns + Performance + Catalogs + Products;
}

/// <summary>How a generated row is meant to end: loaded, rejected by a field check, or superseding an earlier row.</summary>
public enum RowFate
{
    Valid,
    Rejected,
    Superseding,
}

/// <summary>One row of an entity file; <see cref="Values"/> in the legacy-export spec's column order.</summary>
public sealed record GeneratedRow(long Row, RowFate Fate, string?[] Values);
