
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Storage.Org;

/// <summary>The org-wide state beside the records: API usage per CRM day, and what an admin changed at run time.</summary>
public interface ICrmOrgStore
{
    Task<OrgSettings?> GetSettings(CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the stored settings and stores the result in one step, so changes made at once,
    /// from one simulator or several, all apply; <paramref name="change"/> may run more than once. Returns what was stored.
    /// </summary>
    Task<OrgSettings> UpdateSettings(Func<OrgSettings, OrgSettings> change, CancellationToken cancellationToken);

    /// <summary>Counts one call against <paramref name="day"/>'s allowance unless <paramref name="limit"/> calls were already made.</summary>
    Task<ApiCharge> Charge(string day, int limit, CancellationToken cancellationToken);

    Task<int> GetUsage(string day, CancellationToken cancellationToken);

    Task SetUsage(string day, int used, CancellationToken cancellationToken);
}

/// <summary>Run-time changes an admin made; a null member keeps the configured value.</summary>
public sealed record OrgSettings
{
    public TimeSpan? ClockOffset { get; init; }

    public int? DailyApiRequests { get; init; }

    public ScoreBandFormula? ScoreBand { get; init; }
}

public readonly record struct ApiCharge(bool Accepted, int Used);
