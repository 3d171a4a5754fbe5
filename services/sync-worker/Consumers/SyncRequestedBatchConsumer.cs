using MassTransit;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Extensions;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Sync;

namespace Sync.SyncWorker.Consumers;

/// <summary>
/// Drains the sync-worker queue in batches: up to <see cref="SyncWorkerOptions.BatchSize"/> requests, or fewer after
/// <see cref="SyncWorkerOptions.BatchWait"/>, make one batch and one set of CRM calls. The batch is acknowledged only
/// after its SyncCompleted messages are confirmed by the broker (or its requests are stored in a retry queue).
/// </summary>
public sealed class SyncRequestedBatchConsumer(BatchSynchronizer synchronizer) : IConsumer<Batch<SyncRequested>>
{
    public async Task Consume(ConsumeContext<Batch<SyncRequested>> context)
    {
        var requests = context.Message
            .Select(message => new PendingSync(message.Message, message.Headers.Get<int>(RetryHeaders.Attempt) ?? 0))
            .ToList();
        await synchronizer.Sync(requests, context, context.CancellationToken);
    }
}

public sealed class SyncRequestedBatchConsumerDefinition : ConsumerDefinition<SyncRequestedBatchConsumer>
{
    private readonly SyncWorkerOptions _options;

    public SyncRequestedBatchConsumerDefinition(IOptions<SyncWorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = SyncQueues.Worker;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SyncRequestedBatchConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // Enough prefetched for every batch in progress and the next one filling, so a full batch forms without waiting.
        var capacity = _options.BatchSize * (_options.ConcurrentBatches + 1);
        endpointConfigurator.PrefetchCount = capacity;
        endpointConfigurator.ConcurrentMessageLimit = capacity;
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.BatchSize)
            .SetTimeLimit(_options.BatchWait)
            .SetConcurrencyLimit(_options.ConcurrentBatches));

        // Transient CRM and prospect-editor failures go to the retry queues inside the consumer, as one batch. Anything
        // else that fails a batch is retried message by message (MassTransit then delivers batches of one), so one bad
        // request ends in the sync-worker_error queue alone, with its reason.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidMessageException>();
            retry.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        });
    }
}
