using MassTransit;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Evaluation;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>Every prospect of the import in one pipelined round of atomic steps, one per prospect.</summary>
public sealed class EvaluateImportConsumer(ChangeEvaluator evaluator) : IConsumer<ProspectsImported>
{
    public Task Consume(ConsumeContext<ProspectsImported> context) =>
        evaluator.Evaluate(ChangeClassifier.Classify(context.Message).ToList(), context.DeliveredBefore(), context.CancellationToken);
}
