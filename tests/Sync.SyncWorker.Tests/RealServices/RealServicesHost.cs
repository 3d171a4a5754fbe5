using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.CrmSimulator.Tests.Support;
using Sync.ProspectEditor.Tests.Support;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests.RealServices;

/// <summary>
/// The worker with the real crm-simulator and the real prospect-editor, each hosted in-process as its Program.cs hosts it,
/// all three on one isolated virtual host and Redis key prefix. What the editor publishes waits in the sync-evaluator
/// queue (bound on publish) for <see cref="Events"/>; the worker's SyncCompleted is recorded off the
/// sync-evaluator-completions queue; the CRM is read as its sales user and through its admin API.
/// </summary>
public sealed class RealServicesHost : IAsyncDisposable
{
    private static long _nextVersion;

    private RealServicesHost(ServerLane lane, SimulatorHost crm, TestServiceHost editor, WorkerHost worker, CrmTraffic traffic)
    {
        Lane = lane;
        Crm = crm;
        Editor = editor;
        Worker = worker;
        Traffic = traffic;
        Events = new PublishedEvents(lane.Broker, SyncQueues.EvaluatorEvents);
    }

    /// <summary>The virtual host and key prefix the three services share.</summary>
    public ServerLane Lane { get; }

    public IsolatedVirtualHost Broker => Lane.Broker;

    public IsolatedKeyPrefix Redis => Lane.Redis;

    public SimulatorHost Crm { get; }

    /// <summary>prospect-editor, its client sending the API key.</summary>
    public TestServiceHost Editor { get; }

    public WorkerHost Worker { get; }

    /// <summary>The worker's calls to the CRM as they went over the wire.</summary>
    public CrmTraffic Traffic { get; }

    /// <summary>What prospect-editor published for the sync-evaluator.</summary>
    public PublishedEvents Events { get; }

    /// <param name="workerSettings">The worker's configuration over <see cref="WorkerHost.FastSettings"/>.</param>
    public static async Task<RealServicesHost> Start(string purpose, IReadOnlyDictionary<string, string?>? workerSettings = null)
    {
        var lane = await TestLane.Servers(purpose);
        var crm = await SimulatorHost.Start(lane.Redis.Settings);
        var editor = await StartEditor(lane);
        var traffic = new CrmTraffic();
        var settings = TestSettings.Combine(new Dictionary<string, string?>
        {
            ["Services:Crm:Url"] = crm.Address.ToString(),
            ["Services:ProspectEditor:Url"] = editor.Address.ToString(),
        }, workerSettings ?? new Dictionary<string, string?>()).ToDictionary();
        var worker = await WorkerHost.Start(lane, settings, traffic.Observe);
        return new RealServicesHost(lane, crm, editor, worker, traffic);
    }

    /// <summary>prospect-editor as its Program.cs hosts it, with a fast outbox relay and the worker's API key.</summary>
    public static async Task<TestServiceHost> StartEditor(ServerLane lane) =>
        await EditorHost.Start(TestSettings.Combine(lane.Settings, new Dictionary<string, string?>
        {
            ["Sync:ApiKey"] = WorkerHost.ApiKey,
            ["Outbox:SweepInterval"] = "00:00:00.200",
        }), WorkerHost.ApiKey);

    public static string NewEmail(string who) => SimulatorHost.NewEmail(who);

    /// <summary>Creates a prospect through prospect-editor's API, as a user would.</summary>
    public async Task<ProspectDto> CreateProspect(string email, object fields)
    {
        using var response = await Editor.Http.PostAsJsonAsync("prospects", new { email, fields });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a prospect answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ProspectDto>(Json.Options))!;
    }

    public async Task<ProspectDto> UpdateProspect(long prospectId, object fields)
    {
        using var response = await Editor.Http.PatchAsJsonAsync($"prospects/{prospectId}", new { fields });
        Assert.True(response.IsSuccessStatusCode, $"Updating prospect {prospectId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ProspectDto>(Json.Options))!;
    }

    /// <summary>Assigns the prospect to a user through prospect-editor's API, as a marketer would; prospect-editor takes any name.</summary>
    public async Task<ProspectDto> AssignUser(long prospectId, string? user)
    {
        using var response = await Editor.Http.PutAsJsonAsync($"prospects/{prospectId}/assigned-user", new { assignedUser = user });
        Assert.True(response.IsSuccessStatusCode, $"Assigning prospect {prospectId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ProspectDto>(Json.Options))!;
    }

    public async Task<ProspectDto> Prospect(long prospectId) =>
        (await Editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospectId}", Json.Options))!;

    /// <summary>Imports a CSV file through prospect-editor and answers the prospect ids its ProspectsImported messages announced.</summary>
    public async Task<IReadOnlyList<long>> Import(string csv, int rows)
    {
        using var response = await Editor.Http.PostAsync("imports", new StringContent(csv, new UTF8Encoding(false), "text/csv"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"The import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var importId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("importId").GetGuid();
        return await Eventually.Until<IReadOnlyList<long>>(async () =>
        {
            var announced = (await Events.All<ProspectsImported>()).Where(part => part.ImportId == importId)
                .SelectMany(part => part.ProspectIds).Distinct().ToList();
            return announced.Count >= rows ? announced : null;
        }, $"the import's {rows} prospects to be announced");
    }

    /// <summary>Imports <paramref name="count"/> new prospects (each a Lead to be) and answers their ids.</summary>
    public async Task<IReadOnlyList<long>> ImportProspects(int count)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = new StringBuilder("email,lastName,company\n");
        for (var i = 0; i < count; i++)
            csv.Append(CultureInfo.InvariantCulture, $"p{i}.{tag}@example.com,Prospect {i},Acme\n");
        return await Import(csv.ToString(), count);
    }

    /// <summary>
    /// Pauses the worker, publishes a sync request per prospect and waits for all of them in the sync-worker queue: resumed,
    /// the worker meets them all at once, as after a burst of changes.
    /// </summary>
    public async Task<SyncRequested[]> QueueWhilePaused(IReadOnlyList<long> prospectIds)
    {
        await Worker.Api.PostAsync("sync/pause", null);
        var requests = prospectIds.Select(Request).ToArray();
        await Worker.Publish(requests);
        await UntilWaiting(requests.Length);
        return requests;
    }

    /// <summary>A sync request as the evaluator issues it, with a version of its own.</summary>
    public static SyncRequested Request(long prospectId) =>
        WorkerHost.Request(prospectId, version: Interlocked.Increment(ref _nextVersion));

    /// <summary>Publishes a sync request for each prospect and waits for their SyncCompleted.</summary>
    public async Task<IReadOnlyList<SyncCompleted>> Sync(params long[] prospectIds) =>
        await Worker.Sync([.. prospectIds.Select(Request)]);

    public async Task<SyncCompleted> SyncOne(long prospectId) => (await Sync(prospectId))[0];

    /// <summary>The Leads or Contacts holding the address, read by the sales user with SOQL.</summary>
    public async Task<IReadOnlyList<JsonElement>> RecordsWithEmail(string type, string email) =>
        [.. (await Crm.Query($"SELECT Id, Email, ProspectId__c, LastModifiedDate, LastModifiedById FROM {type} WHERE Email = '{email.Replace("'", "\\'", StringComparison.Ordinal)}'"))
            .GetProperty("records").EnumerateArray()];

    /// <summary>The CRM's own count of today's charged calls (admin API, not charged).</summary>
    public async Task<(int Used, int Limit, DateTimeOffset ResetsAt, DateTimeOffset Now)> Usage()
    {
        var state = await Crm.AdminSend(HttpMethod.Get, "admin/state");
        var limits = state.GetProperty("limits");
        return (limits.GetProperty("used").GetInt32(), limits.GetProperty("dailyApiRequests").GetInt32(),
            limits.GetProperty("resetsAt").GetDateTimeOffset(), state.GetProperty("clock").GetProperty("now").GetDateTimeOffset());
    }

    /// <summary>Waits for the write-back's ProspectChanged: the sync's own change, carrying its SyncId.</summary>
    public async Task<ProspectChanged> WriteBackOf(SyncRequested request) =>
        (await Events.WaitFor<ProspectChanged>(change => change.ProspectId == request.ProspectId && change.SyncId == request.SyncId,
            $"prospect {request.ProspectId}'s write-back")).Single();

    /// <summary>Waits for <paramref name="count"/> requests to wait in the sync-worker queue, consumed by nobody.</summary>
    public Task UntilWaiting(int count) => Worker.UntilWaiting(SyncQueues.Worker, count);

    /// <summary>A barrier: nothing waits in the sync-worker queue or its retry queues (the evaluator's queues fill, unconsumed).</summary>
    public async Task UntilWorkerQueuesEmpty()
    {
        var queues = (await Worker.Status()).RetryQueues.Select(step => step.Queue).Append(SyncQueues.Worker).ToList();
        await Eventually.True(async () => (await Task.WhenAll(queues.Select(Broker.CountNow))).All(queue => queue is { Ready: 0 }),
            "the sync-worker queue and its retry queues to be empty");
    }

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await Editor.DisposeAsync();
        await Crm.DisposeAsync();
        // Last, once no service uses them: the virtual host and the keys.
        await Lane.DisposeAsync();
    }
}
