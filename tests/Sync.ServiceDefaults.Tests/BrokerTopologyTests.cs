using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Tests.Hosting;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests;

/// <summary>The start-up promise: an event published before its consumer ever ran waits in the consumer's queue.</summary>
public sealed class BrokerTopologyTests : IAsyncLifetime
{
    private ServerLane _lane = null!;

    private IsolatedVirtualHost Broker => _lane.Broker;

    public async Task InitializeAsync() => _lane = await TestLane.Servers("topology");

    public async Task DisposeAsync() => await _lane.DisposeAsync();

    [Fact]
    public async Task EventPublishedBeforeAnyConsumerStartedWaitsInItsQueue()
    {
        await using var publisher = await TestHostBuilder.For(BareService.OnTheBus("topology-publisher"), _lane).Start();

        await publisher.Service<ConfirmedPublisher>().Publish(new ProspectActivityRecorded
        {
            EventId = Guid.NewGuid(),
            ProspectId = 42,
            OccurredAt = DateTimeOffset.UtcNow,
            Kind = ActivityKind.FormSubmission,
        }, CancellationToken.None);
        await publisher.Service<ConfirmedPublisher>().Publish(new SyncRequested
        {
            EventId = Guid.NewGuid(),
            ProspectId = 42,
            OccurredAt = DateTimeOffset.UtcNow,
            SyncId = Guid.NewGuid(),
            Version = 1,
            Rule = "FormSubmission",
        }, CancellationToken.None);

        var evaluatorQueue = await Eventually.Until(async () => await Broker.Queue(SyncQueues.EvaluatorEvents) is { Messages: 1 } queue ? queue : null,
            "the activity to wait in the sync-evaluator queue");
        var workerQueue = await Eventually.Until(async () => await Broker.Queue(SyncQueues.Worker) is { Messages: 1 } queue ? queue : null,
            "the sync request to wait in the sync-worker queue");
        Assert.Equal(0, evaluatorQueue.Consumers);
        Assert.Equal(0, workerQueue.Consumers);
    }

    [Fact]
    public async Task ConsumerStartingLaterBindsTheSameQueueAndEachMessageArrivesOnce()
    {
        var received = new List<Guid>();
        await using var publisher = await TestHostBuilder.For(BareService.OnTheBus("topology-publisher"), _lane).Start();
        var early = Guid.NewGuid();
        await publisher.Service<ConfirmedPublisher>().Publish(Request(early), CancellationToken.None);

        await using var consumer = await TestHostBuilder.For(BareService.OnTheBus("topology-consumer", bus => bus.AddConsumer<RecordingConsumer, RecordingConsumerDefinition>()), _lane)
            .BeforeService(services => services.AddSingleton(received))
            .Start();
        var late = Guid.NewGuid();
        await publisher.Service<ConfirmedPublisher>().Publish(Request(late), CancellationToken.None);

        await Eventually.True(() => { lock (received) return received.Count >= 2; }, "both sync requests to be consumed");
        await Broker.WaitUntilDrained();
        lock (received)
            Assert.Equal(new[] { early, late }.Order(), received.Order());
    }

    private static SyncRequested Request(Guid eventId) => new()
    {
        EventId = eventId,
        ProspectId = 42,
        OccurredAt = DateTimeOffset.UtcNow,
        SyncId = Guid.NewGuid(),
        Version = 1,
        Rule = "FormSubmission",
    };

    private sealed class RecordingConsumer(List<Guid> received) : IConsumer<SyncRequested>
    {
        public Task Consume(ConsumeContext<SyncRequested> context)
        {
            lock (received)
                received.Add(context.Message.EventId);
            return Task.CompletedTask;
        }
    }

    private sealed class RecordingConsumerDefinition : ConsumerDefinition<RecordingConsumer>
    {
        public RecordingConsumerDefinition() => EndpointName = SyncQueues.Worker;
    }
}
