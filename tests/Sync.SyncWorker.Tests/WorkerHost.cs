using System.Collections.Concurrent;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Control;
using Sync.SyncWorker.Extensions;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests;

/// <summary>
/// The sync-worker hosted in-process as Program.cs hosts it, on the real broker (its own virtual host) and Redis (its own
/// key prefix), against a fake CRM and prospect-editor (or the real ones, see <see cref="Start(IsolatedVirtualHost, IsolatedKeyPrefix, IReadOnlyDictionary{string, string?}?, Action{IServiceCollection}?)"/>).
/// SyncCompleted is read where the evaluator reads it, from the sync-evaluator-completions queue; ProspectSyncForced from
/// the sync-evaluator queue.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    public const string ApiKey = "worker-tests-api-key";

    private static long _nextProspectId = 1_000;

    private readonly Dictionary<string, string?> _configuration;
    private readonly Action<IServiceCollection>? _addServices;
    private bool _stopped;

    private WorkerHost(IsolatedVirtualHost broker, IsolatedKeyPrefix redis, FakeCrm crm, FakeProspectEditor editor, Recording recorded,
        Dictionary<string, string?> configuration, Action<IServiceCollection>? addServices)
    {
        _addServices = addServices;
        Broker = broker;
        Redis = redis;
        Crm = crm;
        Editor = editor;
        Recorded = recorded;
        _configuration = configuration;
    }

    public TestServiceHost Host { get; private set; } = null!;

    public IsolatedVirtualHost Broker { get; }

    public IsolatedKeyPrefix Redis { get; }

    public FakeCrm Crm { get; }

    public FakeProspectEditor Editor { get; }

    public Recording Recorded { get; }

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

    public static async Task<WorkerHost> Start(string purpose, IReadOnlyDictionary<string, string?>? settings = null) =>
        await Start(await (await RabbitMqBroker.Shared()).CreateVirtualHost(purpose), (await RedisTestServer.Shared()).CreateKeyPrefix(purpose), settings);

    /// <summary>
    /// A worker on a virtual host and key prefix it shares with other services. With Services:ProspectEditor:Url set, it talks
    /// to that prospect-editor instead of the fake, and leaves the sync-evaluator queue to the test; with Services:Crm:Url
    /// set, to that CRM through the client AddSyncWorker registers.
    /// </summary>
    /// <param name="addServices">Registrations after the worker's own, such as a handler observing its HTTP calls.</param>
    public static async Task<WorkerHost> Start(
        IsolatedVirtualHost broker, IsolatedKeyPrefix redis, IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? addServices = null)
    {
        var configuration = new Dictionary<string, string?>(
            TestSettings.Combine(FastSettings(), settings ?? new Dictionary<string, string?>()), StringComparer.OrdinalIgnoreCase);
        var worker = new WorkerHost(broker, redis, new FakeCrm(), new FakeProspectEditor(), new Recording(), configuration, addServices);
        worker.Host = await worker.StartHost();
        await worker.UntilConsuming();
        return worker;
    }

    /// <summary>Stops the worker and starts a new one on the same broker, Redis, CRM and prospect-editor, as after a crash or a deploy.</summary>
    public async Task Restart()
    {
        await Stop();
        Host = await StartHost();
        _stopped = false;
    }

    /// <summary>Stops the worker, leaving its virtual host and keys to <see cref="DisposeAsync"/>: the services it calls can then stop without it calling them.</summary>
    public async Task Stop()
    {
        if (_stopped)
            return;
        _stopped = true;
        await Host.DisposeAsync();
    }

    private async Task<TestServiceHost> StartHost()
    {
        var host = await TestServiceHost.Start(
            "sync-worker",
            TestSettings.Combine(Broker.Settings, Redis.Settings, _configuration),
            builder =>
            {
                builder.AddSyncWorker();
                if (!_configuration.ContainsKey("Services:Crm:Url"))
                    builder.Services.AddSingleton<ICrmClient>(Crm);
                var realEditor = _configuration.ContainsKey("Services:ProspectEditor:Url");
                if (!realEditor)
                    builder.Services.AddSingleton<IProspectEditorClient>(Editor);
                _addServices?.Invoke(builder.Services);
                builder.Services.AddSingleton(Recorded);
                builder.Services.AddPublishObserver<PublishRecorder>();
                builder.Services.AddSendObserver<SendRecorder>();
                builder.AddSyncBus(bus =>
                {
                    bus.AddSyncWorkerConsumers();
                    bus.AddConsumer<CompletionRecorder, CompletionRecorderDefinition>();
                    if (!realEditor)
                        bus.AddConsumer<ForcedSyncRecorder, ForcedSyncRecorderDefinition>();
                });
            },
            app => app.MapSyncWorkerApi());
        host.Http.DefaultRequestHeaders.Add(ApiKeyFilter.Header, ApiKey);
        return host;
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
    /// moment (the management API's statistics lag by seconds).
    /// </summary>
    public async Task UntilWaiting(string queue, int messages) =>
        await Eventually.True(async () => await Broker.CountNow(queue) is { Consumers: 0 } state && state.Ready == messages,
            $"{messages} messages to wait in {queue} with no consumer");

    public async Task UntilConsuming() =>
        await Eventually.True(() => Consumption.Status.Consuming, "the worker to consume the sync-worker queue");

    public async Task<WorkerStatus> Status() => (await Api.GetFromJsonAsync<WorkerStatus>("sync/status", Json.Options))!;

    public async ValueTask DisposeAsync()
    {
        await Stop();
        await Broker.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>What left the worker: every SyncCompleted and ProspectSyncForced by the queue that received it, and every message published in its process.</summary>
    public sealed class Recording
    {
        private long _lastCompletionTimestamp;

        public ConcurrentDictionary<Guid, ConcurrentQueue<SyncCompleted>> Completions { get; } = new();

        /// <summary>When the latest SyncCompleted arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for timings that must not include polling.</summary>
        public long LastCompletionTimestamp => Volatile.Read(ref _lastCompletionTimestamp);

        public ConcurrentQueue<ProspectSyncForced> Forced { get; } = new();

        /// <summary>Every message published on the worker's bus: the worker's own, and those a test published through it (<see cref="Publish"/>).</summary>
        public ConcurrentQueue<object> Published { get; } = new();

        /// <summary>Every message sent (not published) on the worker's bus, with the address it went to: retries, postponed and returned requests.</summary>
        public ConcurrentQueue<(Uri? Address, object Message)> Sent { get; } = new();

        public int CompletionCount => Completions.Values.Sum(queue => queue.Count);

        public void Completed(SyncCompleted completion)
        {
            Completions.GetOrAdd(completion.SyncId, _ => new ConcurrentQueue<SyncCompleted>()).Enqueue(completion);
            Volatile.Write(ref _lastCompletionTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }

    private sealed class CompletionRecorder(Recording recorded) : IConsumer<SyncCompleted>
    {
        public Task Consume(ConsumeContext<SyncCompleted> context)
        {
            recorded.Completed(context.Message);
            return Task.CompletedTask;
        }
    }

    private sealed class CompletionRecorderDefinition : ConsumerDefinition<CompletionRecorder>
    {
        public CompletionRecorderDefinition() => EndpointName = SyncQueues.EvaluatorCompletions;
    }

    private sealed class ForcedSyncRecorder(Recording recorded) : IConsumer<ProspectSyncForced>
    {
        public Task Consume(ConsumeContext<ProspectSyncForced> context)
        {
            recorded.Forced.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    private sealed class ForcedSyncRecorderDefinition : ConsumerDefinition<ForcedSyncRecorder>
    {
        public ForcedSyncRecorderDefinition() => EndpointName = SyncQueues.EvaluatorEvents;
    }

    private sealed class SendRecorder(Recording recorded) : ISendObserver
    {
        public Task PreSend<T>(SendContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostSend<T>(SendContext<T> context)
            where T : class
        {
            recorded.Sent.Enqueue((context.DestinationAddress, context.Message));
            return Task.CompletedTask;
        }

        public Task SendFault<T>(SendContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }

    private sealed class PublishRecorder(Recording recorded) : IPublishObserver
    {
        public Task PrePublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            recorded.Published.Enqueue(context.Message);
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}

public static class Json
{
    public static System.Text.Json.JsonSerializerOptions Options { get; } = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
