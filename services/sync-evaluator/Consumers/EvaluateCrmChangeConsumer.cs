using MassTransit;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Evaluation;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>As <see cref="EvaluateActivityConsumer"/>, for its own contract.</summary>
public sealed class EvaluateCrmChangeConsumer(ChangeEvaluator evaluator) : IConsumer<CrmRecordChanged>
{
    public Task Consume(ConsumeContext<CrmRecordChanged> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}
