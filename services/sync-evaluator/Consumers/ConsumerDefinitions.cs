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

/// <summary>How many messages of each contract the evaluator takes at once, on its own queues and on the plain-JSON entry points alike.</summary>
internal static class EvaluatorConcurrency
{
    public const int Activity = 32;
    public const int ProspectChange = 32;
    public const int CrmChange = 32;

    // An import carries up to a thousand prospects, so it takes fewer at once.
    public const int Import = 4;
    public const int ForcedSync = 16;
    public const int Completions = 32;

    /// <summary>The prefetch of the evaluator's own queues, which several consumers share.</summary>
    public const int Prefetch = 64;
}

// The upstream events share the sync-evaluator queue.
public sealed class EvaluateActivityConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateActivityConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.Activity);

public sealed class EvaluateProspectChangeConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateProspectChangeConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.ProspectChange);

public sealed class EvaluateCrmChangeConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateCrmChangeConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.CrmChange);

public sealed class EvaluateImportConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateImportConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.Import);

public sealed class EvaluateForcedSyncConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateForcedSyncConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.ForcedSync);

// Completions have a queue of their own, so a flood of upstream events never delays the re-queue that follows a sync.
public sealed class RecordSyncCompletionConsumerDefinition()
    : EvaluatorConsumerDefinition<RecordSyncCompletionConsumer>(SyncQueues.EvaluatorCompletions, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.Completions);
