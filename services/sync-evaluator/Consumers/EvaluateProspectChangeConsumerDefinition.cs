using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

public sealed class EvaluateProspectChangeConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateProspectChangeConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.ProspectChange);
