using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncEvaluator.Apis;
using Sync.SyncEvaluator.Consumers;
using Sync.SyncEvaluator.Extensions;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// The sync-evaluator hosted as its Program.cs hosts it, on a virtual host and Redis key prefix of its own. No worker runs, so
/// every SyncRequested it publishes waits in the sync-worker queue, where the tests read them exactly.
/// </summary>
public class EvaluatorHost : IAsyncLifetime
{
    public const string ApiKey = "evaluator-test-key";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static long _nextProspect = Random.Shared.NextInt64(1, 1_000_000_000);

    public IsolatedVirtualHost Broker { get; private set; } = null!;

    public IsolatedKeyPrefix Redis { get; private set; } = null!;

    public TestServiceHost Host { get; private set; } = null!;

    public ConsumeRecorder Consumes { get; } = new();

    protected virtual string Purpose => "evaluator";

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        Broker = await (await RabbitMqBroker.Shared()).CreateVirtualHost(Purpose);
        Redis = (await RedisTestServer.Shared()).CreateKeyPrefix(Purpose);
        await BeforeEvaluatorStarts();
        Host = await TestServiceHost.Start(
            "sync-evaluator",
            TestSettings.Combine(Broker.Settings, Redis.Settings, new Dictionary<string, string?> { ["Sync:ApiKey"] = ApiKey }, Settings),
            builder =>
            {
                builder.Services.AddConsumeObserver(_ => Consumes);
                builder.AddSyncEvaluator();
                AddTestServices(builder);
                builder.AddSyncBus(bus => bus.AddSyncEvaluatorConsumers(), (context, rabbit) => rabbit.AddSyncEvaluatorJsonEntryPoints(context));
            },
            app => app.MapSyncEvaluatorApi());
        Host.Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        await Host.UntilBusReady();
    }

    /// <summary>What happens on the broker before the evaluator first connects to it.</summary>
    protected virtual Task BeforeEvaluatorStarts() => Task.CompletedTask;

    /// <summary>Replaces services after the evaluator registered its own.</summary>
    protected virtual void AddTestServices(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Broker.DisposeAsync();
        await Redis.DisposeAsync();
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

    /// <summary>Every SyncRequested for the prospect waiting in the sync-worker queue, oldest first.</summary>
    public async Task<IReadOnlyList<SyncRequested>> SyncRequests(long prospectId) =>
        (await Broker.Peek(SyncQueues.Worker))
            .Select(message => message.Message<SyncRequested>())
            .Where(request => request.ProspectId == prospectId)
            .OrderBy(request => request.OccurredAt)
            .ThenBy(request => request.Issue)
            .ToList();

    /// <summary>Waits until the prospect has <paramref name="count"/> SyncRequested waiting, and returns them.</summary>
    public Task<IReadOnlyList<SyncRequested>> SyncRequests(long prospectId, int count) =>
        Eventually.Until(async () => await SyncRequests(prospectId) is { } requests && requests.Count >= count ? requests : null,
            $"{count} SyncRequested for prospect {prospectId} in the {SyncQueues.Worker} queue");
}

/// <summary>Records, by event id, each message the evaluator finished consuming: a barrier that needs no sleep.</summary>
public sealed class ConsumeRecorder : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _finished = new();

    public int Finished(Guid eventId) => _finished.GetValueOrDefault(eventId);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        if (Events.TryIdOf(context.Message) is { } eventId)
            _finished.AddOrUpdate(eventId, 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}

[CollectionDefinition(nameof(EvaluatorPipeline))]
public sealed class EvaluatorPipeline : ICollectionFixture<EvaluatorHost>;

/// <summary>Events as the upstream services publish them.</summary>
public static class Events
{
    public static ProspectActivityRecorded Activity(long prospectId, ActivityKind kind, bool hadCookie = true, bool optedOut = false) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        Kind = kind,
        VisitorId = "visitor-1",
        Url = "https://example.test/pricing",
        VisitorHadTrackingCookie = hadCookie,
        VisitorOptedOutOfTracking = optedOut,
    };

    public static ProspectChanged ProspectChange(long prospectId, ProspectChangeKind kind, ChangeOrigin origin = ChangeOrigin.User, long revision = 0) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        Kind = kind,
        Origin = origin,
        Revision = revision,
        ChangedFields = kind == ProspectChangeKind.FieldsUpdated ? ["Company"] : [],
        SyncId = origin == ChangeOrigin.Sync ? Guid.NewGuid() : null,
        DoNotSync = kind == ProspectChangeKind.DoNotSyncSet,
    };

    public static CrmRecordChanged CrmChange(long prospectId, CrmObjectType type, CrmChangeKind kind, DateTimeOffset? lastModified) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        ObjectType = type,
        CrmRecordId = "00Q" + prospectId,
        Kind = kind,
        LastModifiedDate = lastModified,
        CommittedBy = "crm-user",
    };

    public static ProspectsImported Import(params long[] prospectIds) => new()
    {
        EventId = Guid.NewGuid(),
        ImportId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        ProspectIds = prospectIds,
    };

    public static ProspectSyncForced Forced(long prospectId) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        Reason = "operator retried a sync error",
    };

    public static SyncCompleted Completed(SyncRequested request, SyncOutcome outcome = SyncOutcome.Synced) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = request.ProspectId,
        OccurredAt = DateTimeOffset.UtcNow,
        SyncId = request.SyncId,
        Version = request.Version,
        Outcome = outcome,
        CrmObjectType = CrmObjectType.Lead,
        CrmRecordId = "00Q" + request.ProspectId,
        CrmLastModifiedDate = DateTimeOffset.UtcNow,
    };

    public static Guid IdOf(object message) =>
        TryIdOf(message) ?? throw new ArgumentException($"Not an evaluator event: {message.GetType().Name}", nameof(message));

    public static Guid? TryIdOf(object message) => message switch
    {
        ProspectActivityRecorded activity => activity.EventId,
        ProspectChanged change => change.EventId,
        CrmRecordChanged change => change.EventId,
        ProspectsImported import => import.EventId,
        ProspectSyncForced forced => forced.EventId,
        SyncCompleted completed => completed.EventId,
        _ => null,
    };
}
