namespace Sync.Clients.Crm;

/// <summary>
/// The CRM answered REQUEST_LIMIT_EXCEEDED: the daily allowance is spent until <see cref="ResetsAt"/>.
/// <see cref="Usage"/> is the usage reported on that refusal.
/// </summary>
public sealed class CrmRequestLimitExceededException(CrmApiUsage? usage, DateTimeOffset? resetsAt)
    : Exception($"The CRM's daily API allowance is spent ({usage?.Used}/{usage?.Limit}); it resets at {resetsAt:u}.")
{
    public CrmApiUsage? Usage { get; } = usage;

    public DateTimeOffset? ResetsAt { get; } = resetsAt;
}
