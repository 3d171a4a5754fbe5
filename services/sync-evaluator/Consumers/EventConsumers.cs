using MassTransit;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Evaluation;

namespace Sync.SyncEvaluator.Consumers;

internal static class ConsumeContextExtensions
{
    /// <summary>A broker redelivery (the first consumer went away) or an in-process retry (the first attempt failed).</summary>
    public static bool DeliveredBefore(this ConsumeContext context) => context.ReceiveContext.Redelivered || context.GetRetryAttempt() > 0;
}

// One consumer per contract. Each classifies the event under its rule and hands it to the evaluator; the message is
// acknowledged only once the decision is recorded and any SyncRequested it issued is confirmed by the broker. A redelivered
// copy changes nothing but still publishes a sync whose publish was never confirmed.

public sealed class EvaluateActivityConsumer(ChangeEvaluator evaluator) : IConsumer<ProspectActivityRecorded>
{
    public Task Consume(ConsumeContext<ProspectActivityRecorded> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}

public sealed class EvaluateProspectChangeConsumer(ChangeEvaluator evaluator) : IConsumer<ProspectChanged>
{
    public Task Consume(ConsumeContext<ProspectChanged> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}

public sealed class EvaluateCrmChangeConsumer(ChangeEvaluator evaluator) : IConsumer<CrmRecordChanged>
{
    public Task Consume(ConsumeContext<CrmRecordChanged> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}

/// <summary>Every prospect of the import in one pipelined round of atomic steps, one per prospect.</summary>
public sealed class EvaluateImportConsumer(ChangeEvaluator evaluator) : IConsumer<ProspectsImported>
{
    public Task Consume(ConsumeContext<ProspectsImported> context) =>
        evaluator.Evaluate(ChangeClassifier.Classify(context.Message).ToList(), context.DeliveredBefore(), context.CancellationToken);
}

public sealed class EvaluateForcedSyncConsumer(ChangeEvaluator evaluator) : IConsumer<ProspectSyncForced>
{
    public Task Consume(ConsumeContext<ProspectSyncForced> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}

/// <summary>The sync-worker's report: settles the version it synced and, in the same step, queues one more sync if anything came after.</summary>
public sealed class RecordSyncCompletionConsumer(ChangeEvaluator evaluator) : IConsumer<SyncCompleted>
{
    public Task Consume(ConsumeContext<SyncCompleted> context) =>
        evaluator.Evaluate([ChangeClassifier.Classify(context.Message)], context.DeliveredBefore(), context.CancellationToken);
}
