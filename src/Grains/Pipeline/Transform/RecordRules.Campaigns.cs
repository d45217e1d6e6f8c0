using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Transform;

public static partial class RecordRules
{
    public const int MaxCampaignNameLength = 255;

    /// <summary>campaigns -> <see cref="CampaignRecord"/>: name NFC, status mapped, currency upper-case,
    /// end_date null when empty, targeting <c>{}</c> when empty, last_modified as a UTC instant.</summary>
    public static bool TryCampaign(string?[] values, out CampaignRecord? record, out Rejection rejection)
    {
        record = null;
        var row = new Row(EntitySchema.Campaigns, values);
        if (!row.Required(Campaign.CampaignId, Parsers.Id, out var campaignId, out rejection)
            || !row.Required(Campaign.MerchantId, Parsers.Id, out var merchantId, out rejection)
            || !row.Text(Campaign.Name, MaxCampaignNameLength, out var name, out rejection)
            || !row.Required(Campaign.Status, Parsers.Status, out var status, out rejection)
            || !row.Required(Campaign.DailyBudget, Parsers.Money, out var dailyBudget, out rejection)
            || !row.Required(Campaign.Currency, Parsers.Currency, out var currency, out rejection)
            || !row.Required(Campaign.StartDate, Parsers.Date, out var startDate, out rejection)
            || !row.OptionalValue(Campaign.EndDate, Parsers.Date, out var endDate, out rejection))
        {
            return false;
        }

        if (endDate < startDate)
        {
            return row.Invalid(Campaign.EndDate, $"end_date {Iso(endDate.Value)} is before start_date {Iso(startDate)}", out rejection);
        }

        if (!row.Optional(Campaign.Targeting, Parsers.JsonObject, "{}", out var targeting, out rejection)
            || !row.Required(Campaign.LastModified, Parsers.Timestamp, out var lastModified, out rejection))
        {
            return false;
        }

        record = new CampaignRecord(campaignId, merchantId, name, status, dailyBudget, currency, startDate, endDate, targeting, lastModified);
        return true;
    }

    private static class Campaign
    {
        private static readonly EntitySchema S = EntitySchema.Campaigns;
        public static readonly int CampaignId = S.IndexOf("campaign_id");
        public static readonly int MerchantId = S.IndexOf("merchant_id");
        public static readonly int Name = S.IndexOf("campaign_name");
        public static readonly int Status = S.IndexOf("status");
        public static readonly int DailyBudget = S.IndexOf("daily_budget");
        public static readonly int Currency = S.IndexOf("currency");
        public static readonly int StartDate = S.IndexOf("start_date");
        public static readonly int EndDate = S.IndexOf("end_date");
        public static readonly int Targeting = S.IndexOf("targeting_json");
        public static readonly int LastModified = S.IndexOf("last_modified");
    }
}
