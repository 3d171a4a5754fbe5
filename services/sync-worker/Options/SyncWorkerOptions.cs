using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Sync.SyncWorker.Options;

/// <summary>The "SyncWorker" configuration section: how the worker batches, retries and spends the CRM's allowance.</summary>
public sealed class SyncWorkerOptions
{
    public const string Section = "SyncWorker";

    /// <summary>Prospects per CRM call. The CRM takes at most 200 records per write.</summary>
    [Range(1, 200)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// The longest a batch that is not full waits for requests already in the queue or delivered to this worker to join
    /// it (a burst's deliveries arrive over a few milliseconds, more on a loaded machine). It never waits for a request
    /// not yet queued: a lone request at idle goes at once, whatever this is.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BatchFillWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a batch that is not full waits after its first request for more, at least. 0 (the default): not at all, a
    /// batch goes as soon as a slot is free and the allowance grants its calls. 00:00:01 is the fixed window of earlier
    /// versions (each lone change then waits that long), kept to measure against.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MinimumBatchAge { get; set; } = TimeSpan.Zero;

    /// <summary>Batches one worker syncs at the same time; while all are busy, requests accumulate into the next.</summary>
    [Range(1, 16)]
    public int ConcurrentBatches { get; set; } = 2;

    /// <summary>
    /// How long the transient-failure retry queues hold a message, one queue per step ("sync-worker-retry-5s", ...);
    /// a message that keeps failing stays on the last step until it succeeds. Empty: 5 s, 30 s, 2 min, 10 min.
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    /// <summary>How long a finished (SyncId, Version) is remembered, so a redelivered or re-issued request does not write the CRM again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan RememberCompletedSyncsFor { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// How long a prospect's merge base (the values both sides agreed on at its last sync) is kept; every sync renews it.
    /// A prospect not synced for longer is merged by the record-level rule once, as on its first sync.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan RememberMergeBaseFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// The CRM user the sync writes as (the crm-change-listener's CrmFeed:IntegrationUserId). The CRM makes it the owner of a
    /// Lead the sync creates: a default of the sync's own, never an assignment, so it is never written back as the prospect's
    /// assigned user, and a user assigned on the marketing side replaces it.
    /// </summary>
    [Required, RegularExpression("^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$", ErrorMessage = "SyncWorker:IntegrationUserId must be a 15- or 18-character CRM user id (005...).")]
    public string IntegrationUserId { get; set; } = "005Sy0000000001IAA";

    /// <summary>How long a batch holds its prospects against a concurrent batch (another replica, a re-issued request).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ProspectClaimTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each replica looks at the shared pause and allowance state to start or stop consuming.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan ControlInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Required, ValidateObjectMembers]
    public CrmAllowanceOptions Allowance { get; set; } = new();

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays =>
        RetryDelays is { Length: > 0 } delays
            ? delays
            : [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    /// <summary>The retry queue of a delay, named for operators: "sync-worker-retry-5s", "sync-worker-retry-2m", "sync-worker-retry-250ms".</summary>
    public static string RetryQueueName(TimeSpan delay) => $"sync-worker-retry-{FormatDelay(delay)}";

    private static string FormatDelay(TimeSpan delay) => delay switch
    {
        { TotalHours: >= 1 } when delay.TotalHours % 1 == 0 => string.Create(CultureInfo.InvariantCulture, $"{delay.TotalHours:0}h"),
        { TotalMinutes: >= 1 } when delay.TotalMinutes % 1 == 0 => string.Create(CultureInfo.InvariantCulture, $"{delay.TotalMinutes:0}m"),
        { TotalSeconds: >= 1 } when delay.TotalSeconds % 1 == 0 => string.Create(CultureInfo.InvariantCulture, $"{delay.TotalSeconds:0}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{delay.TotalMilliseconds:0}ms"),
    };
}
