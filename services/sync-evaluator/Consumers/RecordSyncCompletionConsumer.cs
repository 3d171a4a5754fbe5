using MassTransit;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Evaluation;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>The sync-worker's report: settles the version it synced and, in the same step, queues one more sync if anything came after.</summary>
public sealed class RecordSyncCompletionConsumer(ChangeEvaluator evaluator) : IConsumer<SyncCompleted>
{
    public Task Consume(ConsumeContext<SyncCompleted> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}
