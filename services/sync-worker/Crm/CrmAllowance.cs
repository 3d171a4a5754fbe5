using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.SyncWorker.Extensions;
using Sync.SyncWorker.Storage;

namespace Sync.SyncWorker.Crm;

/// <summary>
/// Spends the CRM's daily allowance for the worker: every charged call takes a token from the bucket all replicas share
/// first, and every answer teaches the shared view the CRM's own count.
/// </summary>
public sealed class CrmAllowance(IAllowanceStore store, IOptions<SyncWorkerOptions> options, TimeProvider time)
{
    /// <summary>The calls of one batch: a lookup and a write.</summary>
    public const int CallsPerBatch = 2;

    private CrmAllowanceOptions Settings => options.Value.Allowance;

    private AllowancePolicy Policy => new(Settings.ReservePercent, Settings.BurstCalls);

    /// <summary>
    /// Takes one call from the allowance, waiting out a short pacing delay; throws <see cref="AllowanceDeferredException"/>
    /// when the allowance is spent or the wait is longer than a batch should be held.
    /// </summary>
    public async Task TakeCall(CancellationToken cancellationToken)
    {
        while (true)
        {
            var decision = await store.Take(1, Policy);
            if (decision.Granted)
                return;
            if (decision.Spent || decision.Wait > Settings.LongestInlineWait)
                throw new AllowanceDeferredException(decision);
            await Task.Delay(decision.Wait, time, cancellationToken);
        }
    }

    /// <summary>Whether a batch could start now; takes nothing.</summary>
    public Task<AllowanceDecision> CanStartBatch() => store.Take(CallsPerBatch, Policy, dryRun: true);

    /// <summary>Learns the usage the CRM reported on its latest answer to <paramref name="crm"/>.</summary>
    public Task LearnFrom(ICrmClient crm) => crm.LastKnownUsage is { } usage ? store.LearnFromAnswer(usage) : Task.CompletedTask;

    public Task LearnRefusal(CrmRequestLimitExceededException refusal) => store.LearnSpent(refusal.Usage, refusal.ResetsAt);

    /// <summary>Reads the CRM's limits (not charged) into the shared view.</summary>
    public async Task RefreshLimits(ICrmClient crm, CancellationToken cancellationToken) =>
        await store.LearnLimits(await crm.GetLimits(cancellationToken));

    public Task<AllowanceState> Read() => store.Read();

    public int Reserve(int limit) => (int)Math.Floor(limit * Settings.ReservePercent / 100);
}

/// <summary>The allowance cannot pay for the batch now: it goes back to the queue and consuming pauses.</summary>
public sealed class AllowanceDeferredException(AllowanceDecision decision)
    : Exception(decision.Spent
        ? "The CRM's daily API allowance (less the reserve) is spent until it resets."
        : $"The CRM's allowance is paced: the next call is due in {decision.Wait.TotalSeconds:0.#} s.")
{
    public AllowanceDecision Decision { get; } = decision;
}
