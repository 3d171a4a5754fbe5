using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Storage.Allowance;

namespace Sync.SyncWorker.Allowance;

/// <summary>
/// Spends the CRM's daily allowance for the worker: a batch reserves every call it needs from the bucket all replicas
/// share before its first, and every answer teaches the shared view the CRM's own count.
/// </summary>
public sealed class CrmAllowance(IAllowanceStore store, IOptions<SyncWorkerOptions> options, TimeProvider time)
{
    /// <summary>The calls of one batch: a lookup and a write.</summary>
    public const int CallsPerBatch = 2;

    private CrmAllowanceOptions Settings => options.Value.Allowance;

    // A call is counted in flight for as long as the CRM client may wait for its answer, and a while more.
    private AllowancePolicy Policy => new(Settings.ReservePercent, Settings.BurstCalls, TimeSpan.FromMinutes(2));

    /// <summary>Reserves the calls of one batch at once, or says how long to wait, or that the allowance is spent.</summary>
    public async Task<(AllowanceDecision Decision, AllowanceReservation? Reservation)> ReserveBatch()
    {
        var decision = await store.Reserve(CallsPerBatch, Policy);
        return (decision, decision.Granted ? new AllowanceReservation(this, decision.Calls(CallsPerBatch)) : null);
    }

    /// <summary>
    /// One call more than a batch reserved (a second lookup), waiting out a short pacing delay; throws
    /// <see cref="AllowanceDeferredException"/> when the allowance is spent or the wait is longer than a batch should be held.
    /// </summary>
    internal async Task<AllowanceCall> TakeOneMore(CancellationToken cancellationToken)
    {
        while (true)
        {
            var decision = await store.Reserve(1, Policy);
            if (decision.Granted)
                return decision.Calls(1)[0];
            if (decision.Spent || decision.Wait > Settings.LongestInlineWait)
                throw new AllowanceDeferredException(decision);
            await Task.Delay(decision.Wait, time, cancellationToken);
        }
    }

    /// <summary>Whether a batch could start now; takes nothing.</summary>
    public Task<AllowanceDecision> CanStartBatch() => store.Reserve(CallsPerBatch, Policy, dryRun: true);

    internal Task Learn(AllowanceCall call, CrmApiUsage? usage) => store.LearnAnswer(call, usage);

    internal Task LearnRefusal(AllowanceCall call, CrmRequestLimitExceededException refusal) => store.LearnSpent(call, refusal.Usage, refusal.ResetsAt);

    internal Task Release(AllowanceCall call) => store.Release(call);

    /// <summary>Reads the CRM's limits (not charged) into the shared view.</summary>
    public async Task RefreshLimits(ICrmClient crm, CancellationToken cancellationToken)
    {
        var readAt = await store.BeginLimitsRead();
        await store.LearnLimits(readAt, await crm.GetLimits(cancellationToken));
    }

    public Task<AllowanceState> Read() => store.Read();

    public int Reserve(int limit) => (int)Math.Floor(limit * Settings.ReservePercent / 100);
}
