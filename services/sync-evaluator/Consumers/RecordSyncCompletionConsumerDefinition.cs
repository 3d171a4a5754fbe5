using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncEvaluator.Consumers;

public sealed class RecordSyncCompletionConsumerDefinition()
    : EvaluatorConsumerDefinition<RecordSyncCompletionConsumer>(SyncQueues.EvaluatorCompletions, EvaluatorConcurrency.Prefetch, EvaluatorConcurrency.Completions);
