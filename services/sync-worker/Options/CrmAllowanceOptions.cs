using System.ComponentModel.DataAnnotations;

namespace Sync.SyncWorker.Options;

/// <summary>The "SyncWorker:Allowance" section: how the worker paces itself over the CRM's daily API allowance.</summary>
public sealed class CrmAllowanceOptions
{
    /// <summary>Per cent of the daily allowance left for everything else that calls the CRM (users, other integrations).</summary>
    [Range(0, 90)]
    public double ReservePercent { get; set; } = 5;

    /// <summary>Calls the worker may make at once before pacing applies: a burst of changes syncs at once, a flood is spread over the day.</summary>
    [Range(1, 100_000)]
    public int BurstCalls { get; set; } = 100;

    /// <summary>
    /// A pacing wait up to this long is waited out holding the requests (more join them meanwhile); longer, they go back to
    /// the queue and consuming pauses.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan LongestInlineWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the CRM's limits resource (not charged) is read while consuming, to learn the usage of other callers and
    /// the reset time. While the allowance holds consuming back it is read at every <see cref="SyncWorkerOptions.ControlInterval"/>,
    /// so consuming resumes as soon as the CRM says the allowance is back (reset, raised, or usage lowered).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan LimitsRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}
