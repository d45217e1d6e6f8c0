using System.Text;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// A valid campaign export big enough that, loaded one record per batch, a job stays in Loading for
/// minutes: tests that cancel a running job wait for Loading and cancel with that much margin.
/// </summary>
public sealed class SlowExport : IDisposable
{
    public SlowExport(int campaigns = 200, int daysPerCampaign = 50)
    {
        P = "s" + Guid.NewGuid().ToString("N")[..10] + "-";
        var parents = new StringBuilder("merchant_id,campaign_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json,last_modified\n");
        var performance = new StringBuilder("campaign_id,merchant_id,date,impressions,clicks,cost,conversions\n");
        var start = new DateOnly(2024, 1, 1);
        for (var c = 0; c < campaigns; c++)
        {
            parents.Append($"{P}m1,{P}c{c},Campaign {c},active,10.00,usd,2024-01-01,,,2024-01-01T00:00:00Z\n");
            for (var d = 0; d < daysPerCampaign; d++)
            {
                performance.Append($"{P}c{c},{P}m1,{start.AddDays(d):yyyy-MM-dd},{100 + d},{d % 10},1.25,1\n");
            }
        }
        Directory = new ExportDirectory().Write("campaigns.csv", parents.ToString()).Write("campaign_performance.csv", performance.ToString());
    }

    public string P { get; }

    public ExportDirectory Directory { get; }

    public object Request() => JobsClient.FileJob(Directory.Path, dataTypes: ["CampaignData"], batchSize: 1);

    public void Dispose() => Directory.Dispose();
}
