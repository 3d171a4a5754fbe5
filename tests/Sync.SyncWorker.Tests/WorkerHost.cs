using System.Net.Http.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Control;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests;

/// <summary>
/// The sync-worker hosted in-process as Program.cs hosts it (<see cref="WorkerRecipe"/>), on a lane: the real broker and Redis
/// (its own virtual host and key prefix) or MassTransit's in-memory test harness with the in-memory stores; against a fake
/// CRM and prospect-editor, or the real ones (see <see cref="Start(ServerLane, IReadOnlyDictionary{string, string?}?, Action{IServiceCollection}?)"/>).
/// SyncCompleted is read where the evaluator reads it, from the sync-evaluator-completions queue; ProspectSyncForced from
/// the sync-evaluator queue (see <see cref="WorkerRecording"/>).
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    public const string ApiKey = "worker-tests-api-key";

    private static long _nextProspectId = 1_000;

    private readonly TestHostBuilder _builder;
    private readonly bool _ownsLane;
    private bool _stopped;

    private WorkerHost(TestLane lane, bool ownsLane, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? addServices)
    {
        Lane = lane;
        _ownsLane = ownsLane;
        var configuration = TestSettings.Combine(FastSettings(), settings ?? new Dictionary<string, string?>()).ToDictionary(StringComparer.OrdinalIgnoreCase);
        var realCrm = configuration.ContainsKey("Services:Crm:Url");
        var realEditor = configuration.ContainsKey("Services:ProspectEditor:Url");
        _builder = Recorded.RecordOn(TestHostBuilder.For(WorkerRecipe.Service, lane)
            .WithSettings(configuration)
            .WithApiKey(ApiKey)
            .ReplaceServices(services =>
            {
                if (!realCrm)
                    services.AddSingleton<ICrmClient>(Crm);
                if (!realEditor)
                    services.AddSingleton<IProspectEditorClient>(Editor);
                addServices?.Invoke(services);
            }), forcedSyncs: !realEditor);
    }

    public TestServiceHost Host { get; private set; } = null!;

    public TestLane Lane { get; }

    /// <summary>The worker's virtual host, on the servers' lane only: a test of the broker's queues runs there alone.</summary>
    public IsolatedVirtualHost Broker => Servers.Broker;

    /// <summary>The worker's key prefix, on the servers' lane only.</summary>
    public IsolatedKeyPrefix Redis => Servers.Redis;

    private ServerLane Servers => Lane as ServerLane
        ?? throw new InvalidOperationException("This worker runs on the in-memory lane, with no broker or Redis: a test of their state belongs on the servers' lane only.");

    public FakeCrm Crm { get; } = new();

    public FakeProspectEditor Editor { get; } = new();

    public WorkerRecording Recorded { get; } = new();

    public HttpClient Api => Host.Http;

    public SyncConsumption Consumption => Host.Service<SyncConsumption>();

    /// <summary>The settings every worker test host runs with: short waits and retry delays, so the assembly stays fast.</summary>
    public static Dictionary<string, string?> FastSettings() => new()
    {
        ["Sync:ApiKey"] = ApiKey,
        ["SyncWorker:RetryDelays:0"] = "00:00:00.500",
        ["SyncWorker:RetryDelays:1"] = "00:00:01",
        ["SyncWorker:ControlInterval"] = "00:00:00.100",
        ["SyncWorker:Allowance:ReservePercent"] = "0",
        ["SyncWorker:Allowance:LimitsRefreshInterval"] = "00:00:00.200",
    };

    /// <summary>A worker on the real servers, on a virtual host and key prefix of its own.</summary>
    public static Task<WorkerHost> Start(string purpose, IReadOnlyDictionary<string, string?>? settings = null) =>
        Start(WorkerLane.Servers, purpose, settings);

    /// <summary>A worker on a lane of its own, which it disposes.</summary>
    /// <param name="addServices">Registrations after the worker's own, such as a logger provider recording errors.</param>
    public static async Task<WorkerHost> Start(
        WorkerLane lane, string purpose, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? addServices = null) =>
        await Start(new WorkerHost(await lane.Create(purpose), ownsLane: true, settings, addServices));

    /// <summary>
    /// A worker on a virtual host and key prefix it shares with other services; the caller disposes the lane after them all.
    /// With Services:ProspectEditor:Url set, it talks to that prospect-editor instead of the fake, and leaves the
    /// sync-evaluator queue to the test; with Services:Crm:Url set, to that CRM through the client AddSyncWorker registers.
    /// </summary>
    /// <param name="addServices">Registrations after the worker's own, such as a handler observing its HTTP calls.</param>
    public static Task<WorkerHost> Start(ServerLane lane, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? addServices = null) =>
        Start(new WorkerHost(lane, ownsLane: false, settings, addServices));

    private static async Task<WorkerHost> Start(WorkerHost worker)
    {
        try
        {
            worker.Host = await worker._builder.Start();
            await worker.UntilConsuming();
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the worker and starts a new one on the same lane, CRM and prospect-editor, as after a crash or a deploy.</summary>
    public async Task Restart()
    {
        await Stop();
        Host = await _builder.Start();
        _stopped = false;
    }

    /// <summary>Stops the worker, leaving its lane to <see cref="DisposeAsync"/>: the services it calls can then stop without it calling them.</summary>
    public async Task Stop()
    {
        if (_stopped || Host is null)
            return;
        _stopped = true;
        await Host.DisposeAsync();
    }

    public static long NextProspectId() => Interlocked.Increment(ref _nextProspectId);

    public static SyncRequested Request(long prospectId, long version = 1, Guid? syncId = null) => new()
    {
        EventId = Guid.NewGuid(),
        ProspectId = prospectId,
        OccurredAt = DateTimeOffset.UtcNow,
        SyncId = syncId ?? Guid.NewGuid(),
        Version = version,
        Rule = "ProspectFieldChange",
    };

    public async Task Publish(params SyncRequested[] requests) =>
        await Host.Service<ConfirmedPublisher>().PublishBatch(requests, CancellationToken.None);

    /// <summary>Publishes the requests and waits for a SyncCompleted of each.</summary>
    public async Task<IReadOnlyList<SyncCompleted>> Sync(params SyncRequested[] requests)
    {
        await Publish(requests);
        return await Completions(requests);
    }

    public async Task<IReadOnlyList<SyncCompleted>> Completions(IReadOnlyCollection<SyncRequested> requests, TimeSpan? timeout = null)
    {
        await Eventually.True(() => requests.All(request => Recorded.Completions.ContainsKey(request.SyncId)),
            $"a SyncCompleted for each of {requests.Count} sync requests ({requests.Count(request => Recorded.Completions.ContainsKey(request.SyncId))} so far)",
            timeout);
        return requests.Select(request => Recorded.Completions[request.SyncId].First()).ToList();
    }

    public async Task<SyncCompleted> SyncOne(long prospectId) => (await Sync(Request(prospectId)))[0];

    /// <summary>
    /// Waits until <paramref name="messages"/> wait in <paramref name="queue"/> with no consumer, by the broker's count at the
    /// moment (the management API's statistics lag by seconds). Servers' lane only.
    /// </summary>
    public async Task UntilWaiting(string queue, int messages) =>
        await Eventually.True(async () => await Broker.CountNow(queue) is { Consumers: 0 } state && state.Ready == messages,
            $"{messages} messages to wait in {queue} with no consumer");

    public async Task UntilConsuming() =>
        await Eventually.True(() => Consumption.Status.Consuming, "the worker to consume the sync-worker queue");

    public async Task<WorkerStatus> Status() => (await Api.GetFromJsonAsync<WorkerStatus>("sync/status", Json.Options))!;

    /// <summary>MassTransit's record of the worker's bus, on the in-memory lane only.</summary>
    public ITestHarness Harness => Lane is InMemoryLane
        ? Host.Service<ITestHarness>()
        : throw new InvalidOperationException("This worker runs on the servers' lane, where MassTransit's test harness does not record its bus.");

    public async ValueTask DisposeAsync()
    {
        await Stop();
        if (_ownsLane)
            await Lane.DisposeAsync();
    }
}

public static class Json
{
    public static System.Text.Json.JsonSerializerOptions Options { get; } = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
