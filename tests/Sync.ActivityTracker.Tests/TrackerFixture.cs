using System.Net.Http.Json;
using Sync.ActivityTracker.Apis;
using Sync.ActivityTracker.Extensions;
using Sync.Clients.ProspectEditor;
using Sync.ProspectEditor.Outbox;
using Sync.ProspectEditor.Tests.Support;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ActivityTracker.Tests;

/// <summary>activity-tracker and prospect-editor hosted together in-process on one virtual host and key prefix.</summary>
public sealed class TrackerFixture : IAsyncLifetime
{
    public const string ApiKey = "activity-tracker-test-key";

    public IsolatedVirtualHost Broker { get; private set; } = null!;

    public IsolatedKeyPrefix Redis { get; private set; } = null!;

    public TestServiceHost Editor { get; private set; } = null!;

    public TestServiceHost Tracker { get; private set; } = null!;

    /// <summary>A public client: no API key, and redirects not followed.</summary>
    public HttpClient Public { get; private set; } = null!;

    /// <summary>A client sending the API key.</summary>
    public HttpClient Operator => Tracker.Http;

    public PublishedEvents Published { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Broker = await (await RabbitMqBroker.Shared()).CreateVirtualHost("activity-tracker");
        Redis = (await RedisTestServer.Shared()).CreateKeyPrefix("activity-tracker");
        Editor = await EditorHost.Start(TestSettings.Combine(Broker.Settings, Redis.Settings, Common), ApiKey);
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

    public static async Task<TestServiceHost> StartTracker(
        IsolatedVirtualHost broker, IsolatedKeyPrefix redis, Uri editor, IReadOnlyDictionary<string, string?>? extra = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? replaceServices = null)
    {
        // Later sources win: extra settings override the common ones.
        var settings = TestSettings.Combine(broker.Settings, redis.Settings, Common,
            new Dictionary<string, string?> { ["Services:ProspectEditor:Url"] = editor.ToString() }, extra ?? new Dictionary<string, string?>());
        var host = await TestServiceHost.Start("activity-tracker", settings,
            builder =>
            {
                builder.AddActivityTracker();
                replaceServices?.Invoke(builder);
                builder.AddSyncBus(bus => bus.AddActivityTrackerConsumers());
            },
            app => app.MapActivityTrackerApi());
        host.Http.DefaultRequestHeaders.Add(ApiKeyFilter.Header, ApiKey);
        return host;
    }

    public async Task DisposeAsync()
    {
        Public.Dispose();
        await Tracker.DisposeAsync();
        await Editor.DisposeAsync();
        await Broker.DisposeAsync();
        await Redis.DisposeAsync();
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
