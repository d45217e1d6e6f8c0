using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>The HTTP contract of spec/api.md: status codes, problem details, paging, idempotency.</summary>
[Collection(StackCollection.Name)]
public sealed class JobsApiContractTests(TestStack stack) : IAsyncLifetime
{
    private MigrationHost _host = null!;
    private JobsClient _api = null!;
    private readonly ExportDirectory _export = new();

    public Task InitializeAsync()
    {
        _host = new MigrationHost(stack, "api-" + Guid.NewGuid().ToString("N")[..8]);
        _api = new JobsClient(_host.CreateClient());
        _export.Write("catalogs.csv", "catalog_id,merchant_id,catalog_name,country,default_currency,last_modified\n");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _export.Dispose();
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"source":{"kind":"ftp","location":"/tmp"}}""", "source.kind" },
        { """{"source":{"kind":"file","location":"relative/path"}}""", "source.location" },
        { """{"source":{"kind":"file","location":"/tmp/../etc"}}""", "source.location" },
        { """{"source":{"kind":"file","location":"/tmp"},"scope":{"dataTypes":["Invoices"]}}""", "scope.dataTypes" },
        { """{"source":{"kind":"file","location":"/tmp"},"scope":{"dataTypes":[]}}""", "scope.dataTypes" },
        { """{"source":{"kind":"file","location":"/tmp"},"scope":{"merchantIds":["ok","bad id; DROP TABLE x"]}}""", "scope.merchantIds" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchSize":0}}""", "options.batchSize" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchSize":10001}}""", "options.batchSize" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"maxRejectedRatio":1.5}}""", "options.maxRejectedRatio" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"maxRejectedRatio":-0.1}}""", "options.maxRejectedRatio" },
        { """{"source":{"kind":"postgres"}}""", "source.credentialsRef" },
        { """{"scope":{}}""", "source" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Invalid_requests_get_400_with_the_failing_field(string body, string field)
    {
        using var response = await _api.PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var messages = problem["errors"]![field]!.AsArray();
        // The detail names the field and says what is wrong with it, not only that some field is.
        Assert.Contains($"{field}: {messages[0]!.GetValue<string>()}", problem["detail"]!.GetValue<string>());
    }

    public static TheoryData<string, string> MisshapenBodies => new()
    {
        { "not json", "body" },
        { "[]", "body" },
        { "null", "body" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchSize":"many"}}""", "options.batchSize" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchSize":"100"}}""", "options.batchSize" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchSize":1.5}}""", "options.batchSize" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchSize":1e3}}""", "options.batchSize" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchSize":2147483648}}""", "options.batchSize" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"maxRejectedRatio":"0.1"}}""", "options.maxRejectedRatio" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"dryRun":"true"}}""", "options.dryRun" },
        { """{"source":{"kind":"file","location":"/tmp"},"options":{"batchsize":5}}""", "options.batchsize" },
        { """{"source":{"kind":"file","location":"/tmp"},"scope":{"merchantIds":["m-1",1]}}""", "scope.merchantIds[1]" },
        { """{"source":{"kind":"file","location":"/tmp"},"scope":{"dataTypes":"CampaignData"}}""", "scope.dataTypes" },
        { """{"source":"/tmp"}""", "source" },
        { """{"source":{"kind":"file","location":"/tmp"},"opts":{}}""", "opts" },
        { """{"source":{"kind":"file","location":"/etc"},"source":{"kind":"file","location":"/tmp"}}""", "source" },
    };

    [Theory]
    [MemberData(nameof(MisshapenBodies))]
    public async Task Bodies_that_do_not_fit_the_shape_get_a_400_problem_naming_the_field(string body, string field)
    {
        using var response = await _api.PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var messages = problem["errors"]![field]!.AsArray();
        Assert.NotEmpty(messages);
        Assert.Contains(field + ":", problem["detail"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", problem.ToJsonString());
        Assert.DoesNotContain("System.", problem.ToJsonString());
        Assert.DoesNotContain("AdManager.", problem.ToJsonString());
    }

    /// <summary>Bytes that are no UTF-8 inside a JSON string: a 400 saying so (it quoted the serializer: "could not be converted to System.String").</summary>
    [Fact]
    public async Task A_body_with_bytes_that_are_not_utf8_is_a_400_saying_so()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"source\":{\"kind\":\"file\",\"location\":\"/tmp/X\"},\"scope\":{}}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _api.Http.PostAsync(JobsClient.Jobs, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid UTF-8", text);
        Assert.DoesNotContain("System.", text);
    }

    [Fact]
    public async Task An_invalid_merchant_id_is_named_in_its_message()
    {
        using var response = await _api.PostAsync("""{"source":{"kind":"file","location":"/tmp"},"scope":{"merchantIds":["m-1","m 2","m-3"]}}""");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("'m 2'", problem["errors"]!["scope.merchantIds"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_requests_create_no_job()
    {
        var before = await JobCountAsync();
        using var response = await _api.PostAsync("""{"source":{"kind":"file","location":"relative"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await JobCountAsync());
    }

    [Theory]
    [InlineData("/admin/data-migration/jobs/6b0a3c1e-0000-7000-8000-000000000000")]
    [InlineData("/admin/data-migration/jobs/not-a-guid")]
    [InlineData("/admin/data-migration/jobs/6b0a3c1e-0000-7000-8000-000000000000/report")]
    [InlineData("/admin/data-migration/jobs/6b0a3c1e-0000-7000-8000-000000000000/rejections")]
    public async Task Unknown_jobs_are_404_problems(string url)
    {
        using var response = await _api.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cancel_of_a_final_job_is_409_and_of_an_unknown_job_404()
    {
        var jobId = await _api.SubmitAsync(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));
        var (job, _) = await _api.WaitForFinalAsync(jobId);
        Assert.Equal("Completed", job["status"]!.GetValue<string>());

        using var conflict = await _api.Http.PostAsync($"{JobsClient.Jobs}/{jobId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using var missing = await _api.Http.PostAsync($"{JobsClient.Jobs}/{Guid.NewGuid()}/cancel", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Job_list_is_newest_first_with_cursor_paging_and_a_status_filter()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++) ids.Add(await _api.SubmitAsync(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"])));
        foreach (var id in ids) await _api.WaitForFinalAsync(id);

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await _api.Http.GetStringAsync($"{JobsClient.Jobs}?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            seen.AddRange(page["items"]!.AsArray().Select(j => Guid.Parse(j!["jobId"]!.GetValue<string>())));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        var ours = seen.Where(ids.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(ids).ToList(), ours);

        var completed = JsonNode.Parse(await _api.Http.GetStringAsync($"{JobsClient.Jobs}?status=Completed&limit=200"))!;
        Assert.All(completed["items"]!.AsArray(), j => Assert.Equal("Completed", j!["status"]!.GetValue<string>()));
        // The index a moment behind the job (its state stored, the index row not yet): not listed under the old status.
        await stack.Db.ExecAsync("UPDATE migration_jobs SET status = 'InProgress:Loading' WHERE job_id = $1", ids[0]);
        var loading = JsonNode.Parse(await _api.Http.GetStringAsync($"{JobsClient.Jobs}?status=InProgress:Loading&limit=200"))!;
        Assert.DoesNotContain(ids[0].ToString(), loading["items"]!.AsArray().Select(j => j!["jobId"]!.GetValue<string>()));
        using var bad = await _api.Http.GetAsync($"{JobsClient.Jobs}?status=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var badLimit = await _api.Http.GetAsync($"{JobsClient.Jobs}?limit=500");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Query_parameters_left_empty_mean_none_and_bad_ones_get_a_problem_naming_them()
    {
        var jobId = await _api.SubmitAsync(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));
        using (var empty = await _api.Http.GetAsync($"{JobsClient.Jobs}?status=&limit=&cursor="))
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        using (var empty = await _api.Http.GetAsync($"{JobsClient.Jobs}/{jobId}/rejections?entity=&reason=&limit=&cursor="))
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);

        foreach (var (query, field) in new[]
                 {
                     ("?limit=abc", "limit"), ("?limit=1.5", "limit"), ("?limit=0", "limit"), ("?limit=201", "limit"),
                     ("?status=Sleeping", "status"), ("?cursor=not-ours", "cursor"),
                     ($"/{jobId}/rejections?limit=abc", "limit"), ($"/{jobId}/rejections?entity=invoices", "entity"),
                     ($"/{jobId}/rejections?reason=%00", "reason"), ($"/{jobId}/rejections?reason=invalid_value%3Acurrency%27%3B", "reason"),
                 })
        {
            using var bad = await _api.Http.GetAsync(JobsClient.Jobs + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!;
            Assert.Contains(field, problem["detail"]!.GetValue<string>());
            Assert.NotNull(problem["errors"]![field]);
        }
    }

    [Fact]
    public async Task An_idempotent_retry_finishes_a_submission_that_failed_after_claiming_its_key()
    {
        var key = Guid.NewGuid().ToString();
        var body = JsonSerializer.Serialize(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));
        var jobId = Guid.CreateVersion7();
        // What a first request leaves when it fails (a store blip) between claiming the key and storing its job.
        await stack.Db.ExecAsync("INSERT INTO migration_idempotency (idempotency_key, request_hash, job_id, created_at) VALUES ($1, $2, $3, now())",
            _host.ServiceId + "/" + TestTokens.AdminSubject + "\n" + key,
            AdManager.Api.Jobs.RequestFingerprint.Of(JsonDocument.Parse(body).RootElement), jobId);

        var retry = await PostWithKeyAsync(key, body);

        Assert.Equal(HttpStatusCode.Accepted, retry.Status);
        Assert.Equal(jobId, retry.JobId);
        var (job, _) = await _api.WaitForFinalAsync(jobId);
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Same_idempotency_key_and_body_returns_the_first_job()
    {
        var key = Guid.NewGuid().ToString();
        var body = JsonContent.Create(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));
        await body.LoadIntoBufferAsync();
        using var firstResponse = await _api.PostAsync(await body.ReadAsStringAsync(), key);
        var firstBody = await firstResponse.Content.ReadAsStringAsync();
        var first = Guid.Parse(JsonNode.Parse(firstBody)!["jobId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, firstResponse.StatusCode);
        Assert.False(firstResponse.Headers.Contains("Idempotent-Replayed"));
        await _api.WaitForFinalAsync(first);

        // Replayed after the job finished: the first answer again (202, its Location, status Submitted), marked as a replay.
        using var secondResponse = await _api.PostAsync(await body.ReadAsStringAsync(), key);
        Assert.Equal(HttpStatusCode.Accepted, secondResponse.StatusCode);
        Assert.Equal(firstBody, await secondResponse.Content.ReadAsStringAsync());
        Assert.Equal(firstResponse.Headers.Location, secondResponse.Headers.Location);
        Assert.Equal("true", Assert.Single(secondResponse.Headers.GetValues("Idempotent-Replayed")));

        // The same request serialized again (members in another order, other whitespace, a character escaped) is the
        // same body; a client retrying from another serializer gets its job, not a 409.
        var reserialized = Reserialize(JsonNode.Parse(await body.ReadAsStringAsync())!).ToJsonString(new JsonSerializerOptions { WriteIndented = true })
            .Replace("ProductCatalogData", "\\u0050roductCatalogData", StringComparison.Ordinal);
        Assert.NotEqual(await body.ReadAsStringAsync(), reserialized);
        var again = await PostWithKeyAsync(key, reserialized);
        Assert.Equal((HttpStatusCode.Accepted, (Guid?)first), again);

        var other = await PostWithKeyAsync(key, (await body.ReadAsStringAsync()).Replace("ProductCatalogData", "CampaignData"));
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        // Numbers compare by their literal: 0.050 is another body than 0.05.
        var number = await PostWithKeyAsync(key, reserialized.Replace("\"maxRejectedRatio\": 0.05", "\"maxRejectedRatio\": 0.050", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, number.Status);

        // Keys are each caller's own: another caller's same key and body is a job of its own, not a replay of this one.
        using var otherCaller = await _host.CreateClientWithToken(TestTokens.Admin("another-admin")).SendAsync(
            new HttpRequestMessage(HttpMethod.Post, JobsClient.Jobs) { Content = new StringContent(await body.ReadAsStringAsync(), Encoding.UTF8, "application/json"), Headers = { { "Idempotency-Key", key } } });
        Assert.Equal(HttpStatusCode.Accepted, otherCaller.StatusCode);
        Assert.False(otherCaller.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(first, Guid.Parse(JsonNode.Parse(await otherCaller.Content.ReadAsStringAsync())!["jobId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_idempotency_key_sent_twice_or_holding_a_control_character_is_a_400_and_creates_nothing()
    {
        var body = JsonSerializer.Serialize(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));
        var before = await JobCountAsync();
        foreach (var (values, says) in new[]
                 {
                     (new[] { "key-a", "key-b" }, "Send one Idempotency-Key header"),
                     (new[] { "key\tone" }, "control characters"),
                     (new[] { "key\u0001one" }, "control characters"),
                 })
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, JobsClient.Jobs) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            Assert.True(message.Headers.TryAddWithoutValidation("Idempotency-Key", values));
            using var response = await _api.Http.SendAsync(message);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(says, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
        }
        Assert.Equal(before, await JobCountAsync());
    }

    /// <summary>
    /// Requests with one key at the same instant: identical ones all get the one job, a different one its 409 (a claim
    /// whose insert waited on another's had found no row, and the request got a 500, in about half the trials).
    /// </summary>
    [Fact]
    public async Task Requests_sent_at_once_with_one_idempotency_key_get_one_job_or_a_409()
    {
        var body = JsonSerializer.Serialize(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));
        var other = body.Replace("ProductCatalogData", "CampaignData", StringComparison.Ordinal);
        for (var trial = 0; trial < 15; trial++)
        {
            var key = Guid.NewGuid().ToString();
            var answers = await Task.WhenAll(PostWithKeyAsync(key, body), PostWithKeyAsync(key, body), PostWithKeyAsync(key, body), PostWithKeyAsync(key, other));
            var same = answers[..3];
            Assert.All(same.Concat(answers[3..]), a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"trial {trial}: {(int)a.Status}"));
            // Whichever body claimed the key first: the others' answers follow from it.
            if (answers[3].Status == HttpStatusCode.Accepted)
            {
                Assert.All(same, a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
            }
            else
            {
                Assert.All(same, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
                Assert.Single(same.Select(a => a.JobId).Distinct());
            }
        }
    }

    [Fact]
    public async Task Requests_no_endpoint_takes_get_a_problem_saying_what_to_do_instead()
    {
        using var unknown = await _api.Http.GetAsync("/admin/no-such-thing");
        using var method = await _api.Http.DeleteAsync($"{JobsClient.Jobs}/{Guid.NewGuid()}");
        using var media = await _api.Http.PostAsync(JobsClient.Jobs, new StringContent("{}", Encoding.UTF8, "text/plain"));

        foreach (var (response, status, says) in new[]
                 {
                     (unknown, HttpStatusCode.NotFound, JobsClient.Jobs),
                     (method, HttpStatusCode.MethodNotAllowed, "DELETE is not allowed"),
                     (media, HttpStatusCode.UnsupportedMediaType, "application/json"),
                 })
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(says, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
        }
        Assert.Contains("GET", JsonNode.Parse(await method.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Swagger_documents_every_endpoint()
    {
        var doc = JsonNode.Parse(await _api.Http.GetStringAsync("/swagger/v1/swagger.json"))!;
        var paths = doc["paths"]!.AsObject();
        Assert.NotNull(paths["/admin/data-migration/jobs"]!["post"]);
        Assert.NotNull(paths["/admin/data-migration/jobs"]!["get"]);
        Assert.NotNull(paths["/admin/data-migration/jobs/{jobId}"]!["get"]);
        Assert.NotNull(paths["/admin/data-migration/jobs/{jobId}/cancel"]!["post"]);
        Assert.NotNull(paths["/admin/data-migration/jobs/{jobId}/report"]!["get"]);
        Assert.NotNull(paths["/admin/data-migration/jobs/{jobId}/rejections"]!["get"]);
        Assert.NotNull(doc["components"]!["schemas"]!["SubmitJobRequest"]);
        JsonNode Parameter(string path, string method, string name) =>
            paths[path]![method]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!;
        Assert.Equal("header", Parameter("/admin/data-migration/jobs", "post", "Idempotency-Key")["in"]!.GetValue<string>());
        var limit = Parameter("/admin/data-migration/jobs", "get", "limit")["schema"]!;
        Assert.Equal("integer", limit["type"]!.GetValue<string>());
        Assert.Equal(200, limit["maximum"]!.GetValue<int>());
        Assert.Contains("InProgress:Loading", Parameter("/admin/data-migration/jobs", "get", "status")["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(1000, Parameter("/admin/data-migration/jobs/{jobId}/rejections", "get", "limit")["schema"]!["maximum"]!.GetValue<int>());
        using var ui = await _api.Http.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var live = await _api.Http.GetAsync("/health/live");
        using var ready = await _api.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // Ready names each dependency it checked, so an operator sees which one is down when it is not.
        var report = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal("Healthy", report["status"]!.GetValue<string>());
        Assert.Equal(["cluster", "dynamodb", "postgres"], report["checks"]!.AsObject().Select(c => c.Key).Order());
        Assert.All(report["checks"]!.AsObject(), c => Assert.Equal("Healthy", c.Value!["status"]!.GetValue<string>()));
    }

    /// <summary>The same JSON value with every object's members in reverse order.</summary>
    private static JsonNode Reserialize(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Reverse().Select(m => KeyValuePair.Create(m.Key, m.Value is null ? null : Reserialize(m.Value)))),
        JsonArray a => new JsonArray([.. a.Select(i => i is null ? null : Reserialize(i))]),
        _ => node.DeepClone(),
    };

    private async Task<(HttpStatusCode Status, Guid? JobId)> PostWithKeyAsync(string key, string body)
    {
        using var response = await _api.PostAsync(body, key);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, response.StatusCode == HttpStatusCode.Accepted ? Guid.Parse(json!["jobId"]!.GetValue<string>()) : null);
    }

    private async Task<long> JobCountAsync()
    {
        await using var command = stack.Db.CreateCommand("SELECT count(*) FROM migration_jobs");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
