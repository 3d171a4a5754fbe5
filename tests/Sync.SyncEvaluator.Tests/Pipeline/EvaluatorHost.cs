using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using MassTransit.Testing;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncEvaluator.Apis;
using Sync.SyncEvaluator.Consumers;
using Sync.SyncEvaluator.Extensions;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// The sync-evaluator hosted as its Program.cs hosts it, on a virtual host and Redis key prefix of its own (or, as
/// <see cref="InMemoryEvaluatorHost"/>, embedded on MassTransit's test harness). No worker runs, so every SyncRequested it
/// publishes waits in the sync-worker queue (or the harness's record of what was published), where the tests read them exactly.
/// </summary>
public class EvaluatorHost : IAsyncLifetime
{
    public const string ApiKey = "evaluator-test-key";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The evaluator as its Program.cs hosts it.</summary>
    public static ServiceRecipe Recipe { get; } = new("sync-evaluator", builder => builder.AddSyncEvaluator(),
        bus => bus.AddSyncEvaluatorConsumers(), app => app.MapSyncEvaluatorApi())
    {
        ConfigureRabbitMq = (context, rabbit) => rabbit.AddSyncEvaluatorJsonEntryPoints(context),
    };

    private static long _nextProspect = Random.Shared.NextInt64(1, 1_000_000_000);

    public TestLane Lane { get; private set; } = null!;

    public IsolatedVirtualHost Broker => Servers.Broker;

    public IsolatedKeyPrefix Redis => Servers.Redis;

    public TestServiceHost Host { get; private set; } = null!;

    public ConsumeRecorder Consumes { get; } = new();

    protected virtual string Purpose => "evaluator";

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    private ServerLane Servers => Lane as ServerLane
        ?? throw new InvalidOperationException($"{GetType().Name} runs on the in-memory lane: it has no broker or Redis to ask.");

    public async Task InitializeAsync()
    {
        Lane = await CreateLane();
        await BeforeEvaluatorStarts();
        Host = await TestHostBuilder.For(Recipe, Lane)
            .WithApiKey(ApiKey)
            .WithSettings(Settings)
            .BeforeService(services => services.AddConsumeObserver(_ => Consumes))
            .ReplaceServices(AddTestServices)
            .Start();
    }

    /// <summary>Where the evaluator's bus and store live: the real servers, unless a subclass says otherwise.</summary>
    protected virtual async Task<TestLane> CreateLane() => await TestLane.Servers(Purpose);

    /// <summary>What happens on the broker before the evaluator first connects to it.</summary>
    protected virtual Task BeforeEvaluatorStarts() => Task.CompletedTask;

    /// <summary>Replaces services after the evaluator registered its own.</summary>
    protected virtual void AddTestServices(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Lane.DisposeAsync();
    }

    public static long NewProspect() => Interlocked.Increment(ref _nextProspect);

    /// <summary>Publishes on the bus, confirmed by the broker, as an upstream service does.</summary>
    public Task Publish<T>(T message)
        where T : class => Host.Service<ConfirmedPublisher>().Publish(message, CancellationToken.None);

    /// <summary>Publishes an event of any evaluator contract under its own type.</summary>
    public Task PublishEvent(object message) => message switch
    {
        ProspectActivityRecorded activity => Publish(activity),
        ProspectChanged change => Publish(change),
        CrmRecordChanged change => Publish(change),
        ProspectsImported import => Publish(import),
        ProspectSyncForced forced => Publish(forced),
        SyncCompleted completed => Publish(completed),
        _ => throw new ArgumentException($"Not an evaluator event: {message.GetType().Name}", nameof(message)),
    };

    public async Task<SyncStatusResponse?> Status(long prospectId)
    {
        var response = await Host.Http.GetAsync($"prospects/{prospectId}/sync-status");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SyncStatusResponse>(Json);
    }

    /// <summary>The barrier: waits until the decision for this event is recorded, and returns it.</summary>
    public Task<DecisionResponse> Decision(long prospectId, Guid eventId) =>
        Eventually.Until(async () => (await Status(prospectId))?.Decisions.FirstOrDefault(decision => decision.EventId == eventId),
            $"the decision on event {eventId} for prospect {prospectId}");

    /// <summary>
    /// The second barrier: the consumer finished with this event <paramref name="times"/> times (so whatever it was going to publish
    /// is confirmed by the broker). Only after it may a test say that something was not published.
    /// </summary>
    public Task Consumed(Guid eventId, int times = 1) =>
        Eventually.True(() => Consumes.Finished(eventId) >= times, $"the evaluator to finish consuming event {eventId} {times} time(s)");

    /// <summary>Every SyncRequested for the prospect the evaluator published (waiting in the sync-worker queue), oldest first.</summary>
    public async Task<IReadOnlyList<SyncRequested>> SyncRequests(long prospectId) =>
        (await PublishedSyncRequests())
            .Where(request => request.ProspectId == prospectId)
            .OrderBy(request => request.OccurredAt)
            .ThenBy(request => request.Issue)
            .ToList();

    /// <summary>Waits until the prospect has <paramref name="count"/> SyncRequested waiting, and returns them.</summary>
    public Task<IReadOnlyList<SyncRequested>> SyncRequests(long prospectId, int count) =>
        Eventually.Until(async () => await SyncRequests(prospectId) is { } requests && requests.Count >= count ? requests : null,
            $"{count} SyncRequested for prospect {prospectId} in the {SyncQueues.Worker} queue");

    /// <summary>
    /// On the servers, what waits in the sync-worker queue (bound on publish, consumed by nobody); in memory, what the test
    /// harness saw published, read without waiting (a cancelled token makes it answer at once).
    /// </summary>
    private async Task<IEnumerable<SyncRequested>> PublishedSyncRequests() => Lane is ServerLane servers
        ? (await servers.Broker.Peek(SyncQueues.Worker)).Select(message => message.Message<SyncRequested>())
        : Host.Service<ITestHarness>().Published.Select<SyncRequested>(new CancellationToken(canceled: true)).Select(published => published.Context.Message);
}
