using Sync.Clients.Crm;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Storage.Allowance;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Sync.SyncWorker.Tests.Allowance;

/// <summary>A batch's calls are charged in one place: the CRM client its reservation hands out.</summary>
[FastLane]
public sealed class ChargedCrmClientTests
{
    private readonly FakeCrm _crm = new();
    private readonly InMemoryAllowanceStore _store = new(TimeProvider.System);
    private readonly CrmAllowance _allowance;

    public ChargedCrmClientTests() =>
        _allowance = new CrmAllowance(_store, MsOptions.Create(new SyncWorkerOptions { Allowance = new CrmAllowanceOptions { ReservePercent = 0 } }), TimeProvider.System);

    [Fact]
    public async Task EachChargedCallSpendsOneReservedCallAndTheUnusedOneGoesBack()
    {
        _crm.SetAllowance(limit: 100, used: 10);
        await _allowance.RefreshLimits(_crm, CancellationToken.None);
        var (_, reservation) = await _allowance.ReserveBatch();
        var charged = reservation!.Charging(_crm);

        await charged.Lookup(new CrmLookup { Emails = [SeedValues.Email(1)] }, CancellationToken.None);
        await charged.GetLimits(CancellationToken.None);
        await reservation.ReleaseUnused();

        Assert.Equal(1, reservation.Made);
        Assert.Equal(1, _crm.LookupCalls);
        // The CRM's own count (11) once its answer is learnt, and the write not made no longer counted.
        Assert.Equal(11, (await _allowance.Read()).Used);
    }

    [Fact]
    public async Task ACallBeyondTheReservationTakesOneMoreAndIsDeferredWhenTheAllowanceCannotPayForIt()
    {
        _crm.SetAllowance(limit: 2, used: 0);
        await _allowance.RefreshLimits(_crm, CancellationToken.None);
        var (_, reservation) = await _allowance.ReserveBatch();
        var charged = reservation!.Charging(_crm);

        await charged.Lookup(new CrmLookup(), CancellationToken.None);
        await charged.Write([], [], CancellationToken.None);
        await Assert.ThrowsAsync<AllowanceDeferredException>(() => charged.Lookup(new CrmLookup(), CancellationToken.None));

        Assert.Equal(2, _crm.ChargedCalls);
        Assert.Equal(2, reservation.Made);
    }

    [Fact]
    public async Task ACallTheCrmRefusesForItsLimitTeachesTheAllowanceItIsSpent()
    {
        _crm.SetAllowance(limit: 100, used: 0);
        await _allowance.RefreshLimits(_crm, CancellationToken.None);
        var (_, reservation) = await _allowance.ReserveBatch();
        _crm.SetAllowance(limit: 100, used: 100);

        await Assert.ThrowsAsync<CrmRequestLimitExceededException>(() => reservation!.Charging(_crm).Lookup(new CrmLookup(), CancellationToken.None));

        Assert.True((await _allowance.CanStartBatch()).Spent);
    }
}
