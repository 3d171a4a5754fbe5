using MassTransit;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Evaluation;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>As <see cref="EvaluateActivityConsumer"/>, for its own contract.</summary>
public sealed class EvaluateProspectChangeConsumer(ChangeEvaluator evaluator) : IConsumer<ProspectChanged>
{
    public Task Consume(ConsumeContext<ProspectChanged> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}
