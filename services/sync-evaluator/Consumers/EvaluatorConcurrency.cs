namespace Sync.SyncEvaluator.Consumers;

/// <summary>How many messages of each contract the evaluator takes at once, on its own queues and on the plain-JSON entry points alike.</summary>
internal static class EvaluatorConcurrency
{
    public const int Activity = 32;
    public const int ProspectChange = 32;
    public const int CrmChange = 32;

    // An import carries up to a thousand prospects, so it takes fewer at once.
    public const int Import = 4;
    public const int ForcedSync = 16;
    public const int Completions = 32;

    /// <summary>The prefetch of the evaluator's own queues, which several consumers share.</summary>
    public const int Prefetch = 64;
}
