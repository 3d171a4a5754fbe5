using Sync.Clients.Crm;

namespace Sync.SyncWorker.Storage;

/// <summary>
/// The CRM's daily API allowance as every worker replica sees it: usage, limit and reset time learnt from the CRM,
/// and a shared token bucket that paces the calls over what is left of the day.
/// </summary>
public interface IAllowanceStore
{
    /// <summary>Takes <paramref name="calls"/> from the bucket, or says how long to wait, or that the allowance is spent.</summary>
    /// <param name="dryRun">Only tell whether the calls would be granted now; take nothing.</param>
    Task<AllowanceDecision> Take(int calls, AllowancePolicy policy, bool dryRun = false);

    /// <summary>The usage the CRM reported on an answer.</summary>
    Task LearnFromAnswer(CrmApiUsage usage);

    /// <summary>The CRM's limits resource: its word replaces what was known.</summary>
    Task LearnLimits(CrmLimits limits);

    /// <summary>The CRM refused a call because the allowance is spent.</summary>
    Task LearnSpent(CrmApiUsage? usage, DateTimeOffset? resetsAt);

    Task<AllowanceState> Read();
}

public readonly record struct AllowancePolicy(double ReservePercent, int BurstCalls);

/// <param name="Spent">The allowance (less the reserve) is used up until it resets: no call is granted before then.</param>
public readonly record struct AllowanceDecision(bool Granted, TimeSpan Wait, bool Spent, DateTimeOffset? ResetsAt)
{
    public static AllowanceDecision Grant { get; } = new(true, TimeSpan.Zero, false, null);
}

public sealed record AllowanceState(int? Used, int? Limit, DateTimeOffset? ResetsAt, double? Tokens, DateTimeOffset? ObservedAt);
