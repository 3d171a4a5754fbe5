using MassTransit;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Options;

namespace Sync.SyncWorker.Consumers;

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
