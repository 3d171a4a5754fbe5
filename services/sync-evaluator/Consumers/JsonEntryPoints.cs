using MassTransit;
using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>
/// The plain-JSON entry points (see <see cref="SyncQueues.EvaluatorJsonActivity"/> and its siblings): one queue per contract,
/// read with MassTransit's raw JSON deserializer (whose faults name the member at fault) by the same consumer as the MassTransit messages, so an upstream that only
/// speaks AMQP and JSON is decided on exactly like the rest. RabbitMQ only; the embedded host has no upstream to serve.
/// </summary>
public static class JsonEntryPoints
{
    public static void AddSyncEvaluatorJsonEntryPoints(this IRabbitMqBusFactoryConfigurator rabbit, IBusRegistrationContext context)
    {
        EntryPoint<EvaluateActivityConsumer>(rabbit, context, SyncQueues.EvaluatorJsonActivity, EvaluatorConcurrency.Activity);
        EntryPoint<EvaluateProspectChangeConsumer>(rabbit, context, SyncQueues.EvaluatorJsonProspectChange, EvaluatorConcurrency.ProspectChange);
        EntryPoint<EvaluateCrmChangeConsumer>(rabbit, context, SyncQueues.EvaluatorJsonCrmChange, EvaluatorConcurrency.CrmChange);
        EntryPoint<EvaluateImportConsumer>(rabbit, context, SyncQueues.EvaluatorJsonImport, EvaluatorConcurrency.Import);
        EntryPoint<EvaluateForcedSyncConsumer>(rabbit, context, SyncQueues.EvaluatorJsonForcedSync, EvaluatorConcurrency.ForcedSync);
    }

    private static void EntryPoint<TConsumer>(IRabbitMqBusFactoryConfigurator rabbit, IBusRegistrationContext context, string queue, int concurrentMessages)
        where TConsumer : class, IConsumer =>
        rabbit.ReceiveEndpoint(queue, endpoint =>
        {
            // Only what is published to this entry point arrives here, not the contract's MassTransit exchange as well.
            endpoint.ConfigureConsumeTopology = false;
            // application/json (or no content type at all) is the bare contract; MassTransit envelopes are still understood.
            endpoint.AddDeserializer(new PlainJsonDeserializerFactory(RawSerializerOptions.AnyMessageType), isDefault: true);
            endpoint.PrefetchCount = concurrentMessages * 2;
            endpoint.ConcurrentMessageLimit = concurrentMessages;
            // The conventions every endpoint gets from AddSyncBus: retries that skip invalid messages, the in-memory outbox.
            context.GetConfigureReceiveEndpoints().Configure(queue, endpoint);
            // Not ConfigureConsumer: that would take the consumer off its own queue in ConfigureEndpoints.
            endpoint.Consumer<TConsumer>(context);
        });
}
