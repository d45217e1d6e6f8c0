using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>Drives the jobs API the way an administrator's tooling would.</summary>
public sealed class JobsClient(HttpClient http)
{
    public const string Jobs = "/admin/data-migration/jobs";

    public HttpClient Http => http;

    public static object FileJob(string location, string[]? merchants = null, string[]? dataTypes = null,
        int batchSize = 1000, bool dryRun = false, double maxRejectedRatio = 0.05) => new
        {
            source = new { kind = "file", location },
            scope = new { merchantIds = merchants ?? [], dataTypes = dataTypes ?? ["CampaignData", "ProductCatalogData"] },
            options = new { batchSize, dryRun, maxRejectedRatio },
        };

    /// <summary>
    /// POSTs a job request exactly as given (JSON text), with an <c>Idempotency-Key</c> header when one is given. The
    /// answer is the caller's to check and dispose.
    /// </summary>
    public async Task<HttpResponseMessage> PostAsync(string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Jobs) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    public async Task<Guid> SubmitAsync(object body)
    {
        using var response = await http.PostAsJsonAsync(Jobs, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text)!;
        var jobId = Guid.Parse(json["jobId"]!.GetValue<string>());
        Assert.Equal($"{Jobs}/{jobId}", response.Headers.Location?.OriginalString);
        Assert.Equal("Submitted", json["status"]!.GetValue<string>());
        return jobId;
    }

    /// <summary>The job; a 503 (the cluster moving the job after a silo died) is retried, as a client should.</summary>
    public async Task<JsonNode> GetAsync(Guid jobId)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.GetAsync($"{Jobs}/{jobId}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 100)
            {
                await Task.Delay(200);
                continue;
            }
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET job answered {(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        }
    }

    /// <summary>Polls until the job is final; returns the job and every distinct status seen while polling.</summary>
    public async Task<(JsonNode Job, List<string> Seen)> WaitForFinalAsync(Guid jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var seen = new List<string>();
        double lastPercent = 0;
        while (true)
        {
            var job = await GetAsync(jobId);
            var status = job["status"]!.GetValue<string>();
            if (seen.Count == 0 || seen[^1] != status) seen.Add(status);
            var percent = job["progress"]!["percent"]!.GetValue<double>();
            Assert.True(percent >= lastPercent, $"percent went down from {lastPercent} to {percent}");
            lastPercent = percent;
            if (!status.StartsWith("InProgress", StringComparison.Ordinal) && status != "Submitted") return (job, seen);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {jobId} still {status} after the timeout");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until the job reaches <paramref name="status"/> (or anything after it); returns the job as then seen.</summary>
    public async Task<JsonNode> WaitForStatusAsync(Guid jobId, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var job = await GetAsync(jobId);
            if (History(job).Contains(status)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {jobId} did not reach {status}; it is {job["status"]}");
            await Task.Delay(100);
        }
    }

    /// <summary>Cancels the job; the service must accept the cancel (<c>202</c>).</summary>
    public async Task CancelAsync(Guid jobId)
    {
        using var response = await http.PostAsync($"{Jobs}/{jobId}/cancel", null);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted,
            $"cancel answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonNode> ReportAsync(Guid jobId)
    {
        var text = await http.GetStringAsync($"{Jobs}/{jobId}/report");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Every rejection of the job, following <c>nextCursor</c> page by page.</summary>
    public async Task<List<JsonNode>> AllRejectionsAsync(Guid jobId, string query = "", int pageSize = 2)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var url = $"{Jobs}/{jobId}/rejections?limit={pageSize}{query}" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = JsonNode.Parse(await http.GetStringAsync(url))!;
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return items;
    }

    public static List<string> History(JsonNode job) =>
        job["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()).ToList();

    public static JsonElement AsElement(JsonNode node) => JsonSerializer.Deserialize<JsonElement>(node.ToJsonString());
}
