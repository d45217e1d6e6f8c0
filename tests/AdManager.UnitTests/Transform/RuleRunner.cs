using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

/// <summary>Runs the entity's rule and returns the outcome in one shape.</summary>
internal static class RuleRunner
{
    public static (bool Ok, object? Record, Rejection Rejection) Run(EntityKind kind, string?[] values)
    {
        switch (kind)
        {
            case EntityKind.Campaigns:
                {
                    var ok = RecordRules.TryCampaign(values, out var record, out var rejection);
                    return (ok, record, rejection);
                }

            case EntityKind.CampaignPerformance:
                {
                    var ok = RecordRules.TryPerformance(values, out var record, out var rejection);
                    return (ok, record, rejection);
                }

            case EntityKind.Catalogs:
                {
                    var ok = RecordRules.TryCatalog(values, out var record, out var rejection);
                    return (ok, record, rejection);
                }

            default:
                {
                    var ok = RecordRules.TryProduct(values, out var record, out var rejection);
                    return (ok, record, rejection);
                }
        }
    }

    public static Rejection Reject(EntityKind kind, string?[] values)
    {
        var (ok, record, rejection) = Run(kind, values);
        Assert.False(ok, $"expected a rejection, got {record}");
        Assert.Null(record);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Detail));
        return rejection;
    }
}
