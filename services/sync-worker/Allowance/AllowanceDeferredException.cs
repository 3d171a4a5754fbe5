using Sync.SyncWorker.Storage.Allowance;



namespace Sync.SyncWorker.Allowance;

/// <summary>The allowance cannot pay for the batch now: it goes back to the queue and consuming pauses.</summary>
public sealed class AllowanceDeferredException(AllowanceDecision decision)
    : Exception(decision.Spent
        ? "The CRM's daily API allowance (less the reserve) is spent until it resets."
        : $"The CRM's allowance is paced: the next call is due in {decision.Wait.TotalSeconds:0.#} s.")
{
    public AllowanceDecision Decision { get; } = decision;
}
