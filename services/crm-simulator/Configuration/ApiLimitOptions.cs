using System.ComponentModel.DataAnnotations;

namespace Sync.CrmSimulator.Configuration;

/// <summary>The org's API limits ("CrmSimulator:Limits").</summary>
public sealed class ApiLimitOptions
{
    /// <summary>Charged API calls per CRM day (Salesforce Enterprise starts at 100,000). An admin may change it at run time.</summary>
    [Range(1, int.MaxValue)]
    public int DailyApiRequests { get; set; } = 100_000;

    /// <summary>Requests the API serves at once; more are refused with the concurrent-requests error, which a retry mends.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentRequests { get; set; } = 25;
}
