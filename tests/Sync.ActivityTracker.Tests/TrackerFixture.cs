using System.Net.Http.Json;
using Sync.ActivityTracker.Apis;
using Sync.ActivityTracker.Extensions;
using Sync.Clients.ProspectEditor;
using Sync.ProspectEditor.Outbox;
using Sync.ProspectEditor.Tests.Support;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ActivityTracker.Tests;

/// <summary>activity-tracker and prospect-editor hosted together in-process on one virtual host and key prefix.</summary>
public sealed class TrackerFixture : IAsyncLifetime
{
    public const string ApiKey = "activity-tracker-test-key";

    private ServerLane _lane = null!;

    public IsolatedVirtualHost Broker => _lane.Broker;

    public IsolatedKeyPrefix Redis => _lane.Redis;

    public TestServiceHost Editor { get; private set; } = null!;

    public TestServiceHost Tracker { get; private set; } = null!;

    /// <summary>A public client: no API key, and redirects not followed.</summary>
    public HttpClient Public { get; private set; } = null!;

    /// <summary>A client sending the API key.</summary>
    public HttpClient Operator => Tracker.Http;

    public PublishedEvents Published { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("activity-tracker");
        Editor = await EditorHost.Start(_lane, ApiKey, Common);
        Tracker = await StartTracker(Broker, Redis, Editor.Address);
        Public = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Tracker.Address };
        Published = new PublishedEvents(Broker, SyncQueues.EvaluatorEvents);
    }

    public static IReadOnlyDictionary<string, string?> Common { get; } = new Dictionary<string, string?>
    {
        ["Sync:ApiKey"] = ApiKey,
        ["Outbox:SweepInterval"] = "00:00:00.200",
        ["Outbox:MarkGrace"] = "00:00:01",
        ["RabbitMq:PublishTimeout"] = "00:00:03",
        ["Tracking:MaxBodyBytes"] = "4096",
    };

    /// <summary>activity-tracker as its Program.cs hosts it.</summary>
    public static ServiceRecipe Recipe { get; } =
        new("activity-tracker", builder => builder.AddActivityTracker(), bus => bus.AddActivityTrackerConsumers(), app => app.MapActivityTrackerApi());

    /// <param name="extra">Settings over the common ones.</param>
    /// <param name="replaceServices">Registrations made after activity-tracker's own, which they replace.</param>
    public static async Task<TestServiceHost> StartTracker(
        IsolatedVirtualHost broker, IsolatedKeyPrefix redis, Uri editor, IReadOnlyDictionary<string, string?>? extra = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? replaceServices = null)
    {
        // The caller owns the virtual host and the key prefix: this lane is only where the tracker runs, never disposed here.
        var tracker = TestHostBuilder.For(Recipe, new ServerLane(broker, redis))
            .WithApiKey(ApiKey)
            .WithSettings(Common)
            .WithSettings(new Dictionary<string, string?> { ["Services:ProspectEditor:Url"] = editor.ToString() })
            .WithSettings(extra);
        if (replaceServices is not null)
            tracker.ReplaceServices(replaceServices);
        return await tracker.Start();
    }

    public async Task DisposeAsync()
    {
        Public.Dispose();
        await Tracker.DisposeAsync();
        await Editor.DisposeAsync();
        await _lane.DisposeAsync();
    }

    public async Task<ProspectDto> CreateProspect()
    {
        var response = await Editor.Http.PostAsJsonAsync("prospects", new { email = UniqueEmail() });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ProspectDto>())!;
    }

    /// <summary>The barrier before asserting "nothing else was published": prospect-editor's outbox backlog has drained.</summary>
    public Task WaitUntilEverythingPublished() =>
        Eventually.True(async () => (await Editor.Http.GetFromJsonAsync<OutboxBacklog>("outbox"))!.Drained, "prospect-editor's outbox backlog to drain");

    public static string UniqueEmail(string name = "visitor") => $"{name}.{Guid.NewGuid():N}@example.com";

    public static string NewVisitorId() => $"v-{Guid.NewGuid():N}";
}
