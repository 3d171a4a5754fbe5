using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

public sealed class EvaluateCrmChangeConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateCrmChangeConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.CrmChange);
