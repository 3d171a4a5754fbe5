namespace Sync.SyncWorker.Retry;

public static class RetryHeaders
{
    /// <summary>Transient failures so far, carried on a retried request.</summary>
    public const string Attempt = "Sync-Retry-Attempt";
}
