using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

public static partial class RecordRules
{
    /// <summary>campaign_performance -> <see cref="PerformanceRecord"/>: clicks at most impressions, conversions 0 when empty.</summary>
    public static bool TryPerformance(string?[] values, out PerformanceRecord? record, out Rejection rejection)
    {
        record = null;
        var row = new Row(EntitySchema.CampaignPerformance, values);
        if (!row.Required(Performance.CampaignId, Parsers.Id, out var campaignId, out rejection)
            || !row.Required(Performance.MerchantId, Parsers.Id, out var merchantId, out rejection)
            || !row.Required(Performance.Date, Parsers.Date, out var date, out rejection)
            || !row.Required(Performance.Impressions, Parsers.Count, out var impressions, out rejection)
            || !row.Required(Performance.Clicks, Parsers.Count, out var clicks, out rejection))
        {
            return false;
        }

        if (clicks > impressions)
        {
            return row.Invalid(Performance.Clicks, $"clicks {clicks} exceed impressions {impressions}", out rejection);
        }

        if (!row.Required(Performance.Cost, Parsers.Money, out var cost, out rejection)
            || !row.Optional(Performance.Conversions, Parsers.Count, 0, out var conversions, out rejection))
        {
            return false;
        }

        record = new PerformanceRecord(campaignId, merchantId, date, impressions, clicks, cost, conversions);
        return true;
    }

    private static class Performance
    {
        private static readonly EntitySchema S = EntitySchema.CampaignPerformance;
        public static readonly int CampaignId = S.IndexOf("campaign_id");
        public static readonly int MerchantId = S.IndexOf("merchant_id");
        public static readonly int Date = S.IndexOf("date");
        public static readonly int Impressions = S.IndexOf("impressions");
        public static readonly int Clicks = S.IndexOf("clicks");
        public static readonly int Cost = S.IndexOf("cost");
        public static readonly int Conversions = S.IndexOf("conversions");
    }
}
