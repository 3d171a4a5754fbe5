using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Automation;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ProspectEditor.Tests;

/// <summary>
/// Requests that write many prospects and stop part-way (the upload cut off, Redis failing): the answer says how far they
/// got, sending them again is safe, and every prospect an import wrote still has its forced sync.
/// </summary>
public sealed class PartialFailureTests : IAsyncLifetime
{
    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;
    private TestServiceHost _editor = null!;
    private FlakyProspectStore _store = null!;
    private PublishedEvents _published = null!;

    private HttpClient Api => _editor.Http;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("prospect-editor-partial");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
        // Two rows to a batch, written one after the other: the tests know which row a failure hits.
        _editor = await ProspectEditorFixture.StartEditor(_broker, _redis,
            new Dictionary<string, string?> { ["Import:BatchSize"] = "2", ["Import:Concurrency"] = "1" },
            services =>
            {
                services.AddSingleton(provider => new FlakyProspectStore(ActivatorUtilities.CreateInstance<RedisProspectStore>(provider)));
                services.AddSingleton<IProspectStore>(provider => provider.GetRequiredService<FlakyProspectStore>());
            });
        _store = _editor.Service<FlakyProspectStore>();
        _published = new PublishedEvents(_broker, SyncQueues.EvaluatorEvents);
    }

    public async Task DisposeAsync()
    {
        await _editor.DisposeAsync();
        await _lane.DisposeAsync();
    }

    [Fact]
    public async Task AnUploadCutOffMidFileEndsFailedAndTheRowsWrittenStillForceTheirSync()
    {
        var (first, second, unread) = (Email("first"), Email("second"), Email("unread"));
        var upload = new CutOffContent($"email,company\n{first},Co\n{second},Co\n{unread},Co\n",
            cutWhen: () => Eventually.True(async () => (await Api.GetAsync($"prospects?email={second}")).IsSuccessStatusCode, "the first batch to be written"));

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Api.PostAsync("imports", upload));

        var ids = new[] { await IdOf(first), await IdOf(second) };
        var part = Assert.Single(await _published.WaitFor<ProspectsImported>(imported => ids.All(imported.ProspectIds.Contains),
            "the forced sync of the rows written before the cut"));
        var report = await Eventually.Until(async () => await Api.GetFromJsonAsync<ImportReport>($"imports/{part.ImportId}") is { Status: ImportStatus.Failed } failed
            ? failed : null, "the import's report to say Failed", TimeSpan.FromSeconds(10));
        Assert.Equal((2L, 1, 4L), (report.Created, report.PartsAwaitingBroker + report.PartsPublished, report.LastLine));
        Assert.NotNull(report.Failure);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"prospects?email={unread}")).StatusCode);
    }

    [Fact]
    public async Task WhenRedisFailsMidImportTheAnswerSaysHowFarItGotAndImportingAgainIsSafe()
    {
        var emails = Enumerable.Range(0, 5).Select(index => Email($"row{index}")).ToList();
        var csv = "email,company\n" + string.Concat(emails.Select(email => $"{email},Acme\n"));
        _store.FailWritesAfter(3);

        var response = await Import(csv);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(5, problem.GetProperty("lastLine").GetInt64());
        Assert.Contains("safe", problem.GetProperty("detail").GetString());
        var importId = problem.GetProperty("importId").GetGuid();
        var written = new[] { await IdOf(emails[0]), await IdOf(emails[1]), await IdOf(emails[2]) };
        var parts = await _published.WaitFor<ProspectsImported>(part => part.ImportId == importId, "the import's forced syncs");
        Assert.Equal(written.Order(), parts.SelectMany(part => part.ProspectIds).Order());
        Assert.Equal(ImportStatus.Failed, (await Api.GetFromJsonAsync<ImportReport>($"imports/{importId}"))!.Status);

        _store.Heal();
        var again = (await (await Import(csv)).Content.ReadFromJsonAsync<ImportReport>())!;
        Assert.Equal((ImportStatus.Completed, 2L, 3L), (again.Status, again.Created, again.Unchanged));
        Assert.All(written, id => Assert.Equal(1, Prospect(id).Result.Revision));
    }

    [Fact]
    public async Task WhenRedisFailsMidWriteBackThe503ListsWhatWasWrittenAndSendingItAgainIsSafe()
    {
        var ids = new List<long>();
        for (var index = 0; index < 3; index++)
            ids.Add(await IdOf((await Created(Email("sync"))).Email));
        var request = new SyncWriteBackRequest(ids.Select(id => new SyncWriteBack
        {
            ProspectId = id, SyncId = Guid.NewGuid(), Fields = new Dictionary<string, string?> { ["Company"] = $"Company of {id}" },
        }).ToList());
        _store.FailWritesAfter(1);

        var response = await Api.PostAsJsonAsync("prospects/sync-writes", request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([ids[0]], problem.GetProperty("written").EnumerateArray().Select(id => id.GetInt64()));
        Assert.Equal(ids[1..], problem.GetProperty("notWritten").EnumerateArray().Select(id => id.GetInt64()));
        Assert.Contains("partly applied", problem.GetProperty("detail").GetString());

        _store.Heal();
        Assert.Equal(HttpStatusCode.OK, (await Api.PostAsJsonAsync("prospects/sync-writes", request)).StatusCode);
        Assert.All(ids, id => Assert.Equal((2L, $"Company of {id}"), (Prospect(id).Result.Revision, Prospect(id).Result.Fields["company"])));
    }

    [Fact]
    public async Task WhenRedisFailsMidRuleRunTheAnswerCountsWhatChangedAndRunningAgainIsSafe()
    {
        var company = $"Rule {Guid.NewGuid():N}";
        var ids = new List<long>();
        for (var index = 0; index < 3; index++)
            ids.Add((await Created(Email("rule"), company)).Id);
        var rule = (await (await Api.PostAsJsonAsync("automation-rules", new
        {
            name = "Title them",
            criteria = new object[] { new { field = "company", @operator = "equals", value = company } },
            actions = new object[] { new { type = "setField", field = "title", value = "Customer" } },
        })).Content.ReadFromJsonAsync<AutomationRule>())!;
        _store.FailWritesAfter(1);

        var response = await Api.PostAsync($"automation-rules/{rule.Id}/run", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run");
        Assert.Equal((1L, 3L), (run.GetProperty("changed").GetInt64(), run.GetProperty("matched").GetInt64()));

        _store.Heal();
        var again = (await (await Api.PostAsync($"automation-rules/{rule.Id}/run", null)).Content.ReadFromJsonAsync<AutomationRuleRun>())!;
        Assert.Equal((3L, 2L), (again.Matched, again.Changed));
        Assert.All(ids, id => Assert.Equal((2L, "Customer"), (Prospect(id).Result.Revision, Prospect(id).Result.Fields["title"])));
    }

    private Task<HttpResponseMessage> Import(string csv) => Api.PostAsync("imports", new StringContent(csv, new UTF8Encoding(false), "text/csv"));

    private async Task<ProspectDto> Created(string email, string company = "Co")
    {
        var response = await Api.PostAsJsonAsync("prospects", new { email, fields = new { company } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ProspectDto>())!;
    }

    private async Task<long> IdOf(string email) => (await Api.GetFromJsonAsync<ProspectDto>($"prospects?email={email}"))!.Id;

    private Task<ProspectDto> Prospect(long id) => Api.GetFromJsonAsync<ProspectDto>($"prospects/{id}")!;

    private static string Email(string name) => ProspectEditorFixture.UniqueEmail(name);

    /// <summary>A CSV upload that sends its start, waits for <paramref name="cutWhen"/>, then breaks off as a dropped connection does.</summary>
    private sealed class CutOffContent : HttpContent
    {
        private readonly byte[] _start;
        private readonly Func<Task> _cutWhen;

        public CutOffContent(string start, Func<Task> cutWhen)
        {
            _start = Encoding.UTF8.GetBytes(start);
            _cutWhen = cutWhen;
            Headers.ContentType = new("text/csv");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(_start);
            await stream.FlushAsync();
            await _cutWhen();
            throw new IOException("The upload broke off.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
