using MassTransit;
using Sync.Contracts;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// RabbitMQ drops a message published to an exchange no queue is bound to yet. So every publisher declares the
/// consumers' queues and bindings before its first publish of a type: whatever order the services start in, an event
/// published before its consumer ever ran waits in that consumer's queue.
/// </summary>
internal static class SyncTopology
{
    public static void DeclareConsumerQueuesOnPublish(IRabbitMqBusFactoryConfigurator bus)
    {
        BindOnPublish<ProspectActivityRecorded>(bus, SyncQueues.EvaluatorEvents);
        BindOnPublish<ProspectChanged>(bus, SyncQueues.EvaluatorEvents);
        BindOnPublish<CrmRecordChanged>(bus, SyncQueues.EvaluatorEvents);
        BindOnPublish<ProspectsImported>(bus, SyncQueues.EvaluatorEvents);
        BindOnPublish<ProspectSyncForced>(bus, SyncQueues.EvaluatorEvents);
        BindOnPublish<SyncCompleted>(bus, SyncQueues.EvaluatorCompletions);
        BindOnPublish<SyncRequested>(bus, SyncQueues.Worker);
    }

    // The queue is bound straight to the message's exchange. When the consumer starts it adds MassTransit's own route
    // (message exchange -> queue-named exchange -> queue); RabbitMQ delivers a message once per queue however many routes lead there.
    private static void BindOnPublish<TMessage>(IRabbitMqBusFactoryConfigurator bus, string queue)
        where TMessage : class =>
        bus.Publish<TMessage>(publish => publish.BindQueue(publish.Exchange.ExchangeName, queue));
}
