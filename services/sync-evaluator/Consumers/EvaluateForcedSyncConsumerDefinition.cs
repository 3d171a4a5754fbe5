using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

public sealed class EvaluateForcedSyncConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateForcedSyncConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.ForcedSync);
