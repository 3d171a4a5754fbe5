using MassTransit;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Evaluation;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>
/// One consumer per contract. Each classifies the event under its rule and hands it to the evaluator; the message is
/// acknowledged only once the decision is recorded and any SyncRequested it issued is confirmed by the broker. A redelivered
/// copy changes nothing but still publishes a sync whose publish was never confirmed.
/// </summary>
public sealed class EvaluateActivityConsumer(ChangeEvaluator evaluator) : IConsumer<ProspectActivityRecorded>
{
    public Task Consume(ConsumeContext<ProspectActivityRecorded> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}
