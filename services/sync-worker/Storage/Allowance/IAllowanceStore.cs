using Sync.Clients.Crm;

namespace Sync.SyncWorker.Storage.Allowance;

/// <summary>
/// The CRM's daily API allowance as every worker replica sees it: the newest usage the CRM reported plus the calls granted
/// since, the limit and reset time learnt from the CRM, and a shared token bucket that paces the calls over what is left
/// of the day. Each call granted gets a stamp from one shared counter; the stamps, not the order answers arrive in, say
/// which report is the newest.
/// </summary>
public interface IAllowanceStore
{
    /// <summary>Reserves <paramref name="calls"/> at once, or says how long to wait, or that the allowance is spent.</summary>
    /// <param name="dryRun">Only tell whether the calls would be granted now; take nothing.</param>
    Task<AllowanceDecision> Reserve(int calls, AllowancePolicy policy, bool dryRun = false);

    /// <summary>A granted call ended: with the usage the CRM reported on its answer, or none (no answer, or no header).</summary>
    Task LearnAnswer(AllowanceCall call, CrmApiUsage? usage);

    /// <summary>The CRM refused a granted call because the allowance is spent.</summary>
    Task LearnSpent(AllowanceCall call, CrmApiUsage? usage, DateTimeOffset? resetsAt);

    /// <summary>A granted call the batch turned out not to need: it no longer counts once the next report covers its stamp.</summary>
    Task Release(AllowanceCall call);

    /// <summary>Where a read of the limits resource stands among the calls: taken just before the read is sent.</summary>
    Task<AllowanceCall> BeginLimitsRead();

    /// <summary>The CRM's limits resource, read from <paramref name="readAt"/>.</summary>
    Task LearnLimits(AllowanceCall readAt, CrmLimits limits);

    Task<AllowanceState> Read();
}

public readonly record struct AllowancePolicy(double ReservePercent, int BurstCalls, TimeSpan InFlightFor);

/// <summary>
/// One granted call (or the moment of a limits read): its stamp, and the calls granted before it that were still in flight
/// (the CRM may charge those after it, so its report does not include them).
/// </summary>
public readonly record struct AllowanceCall(long Stamp, int Margin);

/// <param name="Spent">The allowance (less the reserve) is used up until it resets: no call is granted before then.</param>
/// <param name="FirstStamp">The stamp of the first call granted; the others follow it one by one.</param>
public readonly record struct AllowanceDecision(bool Granted, TimeSpan Wait, bool Spent, DateTimeOffset? ResetsAt, long FirstStamp = 0, int Margin = 0)
{
    /// <summary>The calls granted, one per call reserved.</summary>
    public IReadOnlyList<AllowanceCall> Calls(int reserved)
    {
        var (first, margin) = (FirstStamp, Margin);
        return Granted ? [.. Enumerable.Range(0, reserved).Select(i => new AllowanceCall(first + i, margin))] : [];
    }
}

/// <param name="Used">The newest usage the CRM reported plus the calls granted since.</param>
public sealed record AllowanceState(int? Used, int? Limit, DateTimeOffset? ResetsAt, double? Tokens, DateTimeOffset? ObservedAt);
