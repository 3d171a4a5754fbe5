using MassTransit;
using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>
/// Where each consumer listens and how much it takes at once. Correctness never needs a single consumer: the Redis script
/// serialises the steps of one prospect, so these limits are about throughput and fairness only.
/// </summary>
public abstract class EvaluatorConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly int _prefetch;

    protected EvaluatorConsumerDefinition(string queue, int prefetch, int concurrentMessages)
    {
        EndpointName = queue;
        _prefetch = prefetch;
        ConcurrentMessageLimit = concurrentMessages;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = Math.Max(endpointConfigurator.PrefetchCount, _prefetch);
}

// The upstream events share the sync-evaluator queue; an import carries up to a thousand prospects, so it takes fewer at once.
public sealed class EvaluateActivityConsumerDefinition() : EvaluatorConsumerDefinition<EvaluateActivityConsumer>(SyncQueues.EvaluatorEvents, 64, 32);

public sealed class EvaluateProspectChangeConsumerDefinition() : EvaluatorConsumerDefinition<EvaluateProspectChangeConsumer>(SyncQueues.EvaluatorEvents, 64, 32);

public sealed class EvaluateCrmChangeConsumerDefinition() : EvaluatorConsumerDefinition<EvaluateCrmChangeConsumer>(SyncQueues.EvaluatorEvents, 64, 32);

public sealed class EvaluateImportConsumerDefinition() : EvaluatorConsumerDefinition<EvaluateImportConsumer>(SyncQueues.EvaluatorEvents, 64, 4);

public sealed class EvaluateForcedSyncConsumerDefinition() : EvaluatorConsumerDefinition<EvaluateForcedSyncConsumer>(SyncQueues.EvaluatorEvents, 64, 16);

// Completions have a queue of their own, so a flood of upstream events never delays the re-queue that follows a sync.
public sealed class RecordSyncCompletionConsumerDefinition() : EvaluatorConsumerDefinition<RecordSyncCompletionConsumer>(SyncQueues.EvaluatorCompletions, 64, 32);
