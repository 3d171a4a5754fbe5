using Sync.CrmSimulator.Faults;

namespace Sync.CrmSimulator.Configuration;

/// <summary>The "CrmSimulator" configuration section: the org's users, limits, change feed and injected faults.</summary>
public sealed class CrmSimulatorOptions
{
    public const string Section = "CrmSimulator";

    public const string IntegrationUserKey = "Integration";
    public const string SalesUserKey = "Sales";
    public const string AutomatedProcessUserKey = "AutomatedProcess";

    /// <summary>
    /// The org's users by a name of your choice; a request acts as the user whose token it bears. The defaults: the sync's
    /// integration user (token "sync-integration-token"), a sales rep for people and tests (token "sales-user-token"), and
    /// the Automated Process user that commits formula recalculations (no token: nobody signs in as it).
    /// </summary>
    public Dictionary<string, CrmUserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [IntegrationUserKey] = new() { UserId = "005Sy0000000001IAA", Name = "Sync Integration", Token = "sync-integration-token" },
        [SalesUserKey] = new() { UserId = "005Sy0000000002IAA", Name = "Sam Sales", Token = "sales-user-token" },
        [AutomatedProcessUserKey] = new() { UserId = "005Sy0000000000IAA", Name = "Automated Process" },
    };

    public ApiLimitOptions Limits { get; set; } = new();

    public ChangeFeedOptions Feed { get; set; } = new();

    /// <summary>Faults injected from the start; the admin API replaces them at run time.</summary>
    public FaultSettings Faults { get; set; } = new();

    /// <summary>How far the CRM's clock runs ahead of (or, negative, behind) real time until an admin moves it.</summary>
    public TimeSpan ClockOffset { get; set; }
}
