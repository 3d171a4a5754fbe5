using Sync.CrmSimulator.Org;
using Sync.CrmSimulator.Storage.Org;

namespace Sync.CrmSimulator.Limits;

/// <summary>The daily API allowance: charged calls count against the CRM day's allowance until it resets at the day boundary.</summary>
public sealed class ApiAllowance(ICrmOrgStore store, CrmOrg org)
{
    public const string LimitInfoHeader = "Sforce-Limit-Info";

    public async Task<ApiUsage> Charge(CancellationToken cancellationToken)
    {
        var state = await org.State(cancellationToken);
        var charge = await store.Charge(state.Day, state.DailyApiRequests, cancellationToken);
        return new ApiUsage(charge.Used, state.DailyApiRequests, charge.Accepted, state.AllowanceResetsAt);
    }

    public async Task<ApiUsage> Current(CancellationToken cancellationToken)
    {
        var state = await org.State(cancellationToken);
        var used = await store.GetUsage(state.Day, cancellationToken);
        return new ApiUsage(used, state.DailyApiRequests, used < state.DailyApiRequests, state.AllowanceResetsAt);
    }

    public async Task<ApiUsage> SetUsage(int used, CancellationToken cancellationToken)
    {
        var state = await org.State(cancellationToken);
        await store.SetUsage(state.Day, used, cancellationToken);
        return new ApiUsage(used, state.DailyApiRequests, used < state.DailyApiRequests, state.AllowanceResetsAt);
    }
}

public sealed record ApiUsage(int Used, int Limit, bool Accepted, DateTimeOffset ResetsAt)
{
    public int Remaining => Math.Max(0, Limit - Used);

    /// <summary>The Sforce-Limit-Info header value Salesforce sends with every answer.</summary>
    public string HeaderValue => $"api-usage={Used}/{Limit}";
}
