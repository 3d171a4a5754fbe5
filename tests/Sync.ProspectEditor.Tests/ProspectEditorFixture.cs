using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Outbox;
using Sync.ProspectEditor.Tests.Support;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ProspectEditor.Tests;

/// <summary>prospect-editor hosted in-process on its own virtual host and key prefix, with what it published collected.</summary>
public sealed class ProspectEditorFixture : IAsyncLifetime
{
    public const string ApiKey = "prospect-editor-test-key";

    private ServerLane _lane = null!;

    public IsolatedVirtualHost Broker => _lane.Broker;

    public IsolatedKeyPrefix Redis => _lane.Redis;

    public TestServiceHost Host { get; private set; } = null!;

    /// <summary>A client sending the API key.</summary>
    public HttpClient Api => Host.Http;

    public PublishedEvents Published { get; private set; } = null!;

    public static IReadOnlyDictionary<string, string?> FastRelay { get; } = new Dictionary<string, string?>
    {
        ["Sync:ApiKey"] = ApiKey,
        ["Outbox:SweepInterval"] = "00:00:00.200",
        ["Outbox:MarkGrace"] = "00:00:01",
        ["RabbitMq:PublishTimeout"] = "00:00:03",
    };

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("prospect-editor");
        Host = await StartEditor(Broker, Redis);
        Published = new PublishedEvents(Broker, SyncQueues.EvaluatorEvents);
    }

    /// <param name="replaceServices">Registrations made after prospect-editor's own, which they replace (a store that fails on cue).</param>
    public static async Task<TestServiceHost> StartEditor(
        IsolatedVirtualHost broker, IsolatedKeyPrefix redis, IReadOnlyDictionary<string, string?>? extra = null,
        Action<IServiceCollection>? replaceServices = null) =>
        // The caller owns the virtual host and the key prefix: this lane is only where the editor runs, never disposed here.
        await EditorHost.Start(new ServerLane(broker, redis), ApiKey, TestSettings.Combine(FastRelay, extra ?? new Dictionary<string, string?>()), replaceServices);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _lane.DisposeAsync();
    }

    /// <summary>Creates a prospect with a fresh address and waits for its Created event.</summary>
    public async Task<ProspectDto> CreateProspect(object? fields = null, string? email = null)
    {
        var response = await Api.PostAsJsonAsync("prospects", new { email = email ?? UniqueEmail(), fields });
        response.EnsureSuccessStatusCode();
        var prospect = (await response.Content.ReadFromJsonAsync<ProspectDto>())!;
        await Published.WaitFor<ProspectChanged>(change => change.ProspectId == prospect.Id && change.Kind == ProspectChangeKind.Created,
            $"prospect {prospect.Id}'s Created event");
        return prospect;
    }

    /// <summary>
    /// The barrier before asserting "nothing else was published": waits until prospect-editor has no outbox mark and no
    /// staged import part left, so everything it accepted so far is on the queue.
    /// </summary>
    public Task WaitUntilEverythingPublished() => WaitUntilEverythingPublished(Api);

    public static Task WaitUntilEverythingPublished(HttpClient editor) =>
        Eventually.True(async () => (await editor.GetFromJsonAsync<OutboxBacklog>("outbox"))!.Drained, "prospect-editor's outbox backlog to drain");

    /// <summary>Waits for everything prospect-editor accepted to be published, then asserts none of it came after <paramref name="mark"/>.</summary>
    public async Task AssertNothingPublishedSince(int mark)
    {
        await WaitUntilEverythingPublished();
        Assert.Empty(await Published.Since(mark));
    }

    public static string UniqueEmail(string name = "ada") => $"{name}.{Guid.NewGuid():N}@example.com";
}
