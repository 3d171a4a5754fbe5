using Sync.Clients.Crm;
using Sync.SyncWorker.Storage.Allowance;

namespace Sync.SyncWorker.Allowance;

/// <summary>
/// The calls one batch reserved before its first: each charged call spends the next of them (or takes one more, for a
/// second lookup), its answer's usage is learnt, and the calls not needed go back when the batch ends.
/// </summary>
public sealed class AllowanceReservation(CrmAllowance allowance, IReadOnlyList<AllowanceCall> reserved)
{
    private readonly Queue<AllowanceCall> _left = new(reserved);

    /// <summary>Charged calls made with this reservation.</summary>
    public int Made { get; private set; }

    /// <summary>The CRM client whose charged calls spend this reservation: how a batch calls the CRM.</summary>
    public ICrmClient Charging(ICrmClient crm) => new ChargedCrmClient(crm, this);

    /// <summary>One charged call: a reserved call (or one more), then the usage the CRM reported on its own answer.</summary>
    internal async Task<T> Call<T>(Func<Task<T>> call, Func<T, CrmApiUsage?> usageOf, CancellationToken cancellationToken)
    {
        var granted = _left.TryDequeue(out var next) ? next : await allowance.TakeOneMore(cancellationToken);
        Made++;
        T answer;
        try
        {
            answer = await call();
        }
        catch (CrmRequestLimitExceededException refused)
        {
            await allowance.LearnRefusal(granted, refused);
            throw;
        }
        catch
        {
            await allowance.Learn(granted, null);
            throw;
        }
        await allowance.Learn(granted, usageOf(answer));
        return answer;
    }

    /// <summary>Gives back the calls this batch reserved and did not make.</summary>
    public async Task ReleaseUnused()
    {
        while (_left.TryDequeue(out var unused))
        {
            try
            {
                await allowance.Release(unused);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The shared store is away: the call stays counted only until the CRM's next report covers its stamp.
            }
        }
    }
}
