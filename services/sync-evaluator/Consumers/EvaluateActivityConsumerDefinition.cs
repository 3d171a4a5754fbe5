using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

public sealed class EvaluateActivityConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateActivityConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.Activity);
