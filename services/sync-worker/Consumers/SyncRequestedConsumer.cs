using MassTransit;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Extensions;
using Sync.SyncWorker.Retry;

namespace Sync.SyncWorker.Consumers;

/// <summary>
/// Hands each request of the sync-worker queue to the <see cref="SyncBatcher"/>, which makes the batches, and returns
/// once its batch is done: so a request is acknowledged only after its SyncCompleted is confirmed by the broker (or it is
/// stored in a retry queue, or back in this queue).
/// </summary>
public sealed class SyncRequestedConsumer(SyncBatcher batcher) : IConsumer<SyncRequested>
{
    public Task Consume(ConsumeContext<SyncRequested> context) =>
        batcher.Add(
            new PendingSync(context.Message, context.Headers.Get<int>(RetryHeaders.Attempt) ?? 0),
            // A request the consumer retry sends again failed in a batch: alone, it fails (or succeeds) on its own.
            alone: context.GetRetryAttempt() > 0,
            context.ReceiveContext);
}

public sealed class SyncRequestedConsumerDefinition : ConsumerDefinition<SyncRequestedConsumer>
{
    private readonly SyncWorkerOptions _options;

    public SyncRequestedConsumerDefinition(IOptions<SyncWorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = SyncQueues.Worker;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SyncRequestedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Enough delivered for every batch in progress and the next one filling, so a full batch forms without waiting,
        // and every request delivered is held (unacknowledged) by the batcher until its batch is done.
        var capacity = _options.BatchSize * (_options.ConcurrentBatches + 1);
        endpointConfigurator.PrefetchCount = capacity;
        endpointConfigurator.ConcurrentMessageLimit = capacity;

        // Transient CRM and prospect-editor failures go to the retry queues inside the batch. Anything else that fails a
        // batch is retried message by message, each alone, so one bad request ends in the sync-worker_error queue alone,
        // with its reason.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidMessageException>();
            retry.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        });
    }
}
