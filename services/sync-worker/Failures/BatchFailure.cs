namespace Sync.SyncWorker.Failures;

/// <summary>What a failure means for the batch it ended; see <see cref="FailureClassification.Classify"/>.</summary>
public enum BatchFailure
{
    /// <summary>Not a failure the worker knows: the batch fails, and its requests are retried one by one by the consumer.</summary>
    Unexpected,

    /// <summary>The allowance cannot pay for the batch now (the worker's own pacing, or the CRM refusing for its limit): back to the queue.</summary>
    AllowanceSpent,

    /// <summary>A retry mends it: the batch goes to its next retry step.</summary>
    Transient,

    /// <summary>The CRM refused the request itself, and would refuse it again: its prospects fail.</summary>
    RequestRefused,
}
