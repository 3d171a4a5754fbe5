using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

public sealed class EvaluateImportConsumerDefinition()
    : EvaluatorConsumerDefinition<EvaluateImportConsumer>(SyncQueues.EvaluatorEvents, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.Import);
