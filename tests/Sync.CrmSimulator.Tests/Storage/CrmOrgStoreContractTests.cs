using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Org;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Storage;

/// <summary>What both org stores promise: the allowance is counted atomically and refused calls are not counted.</summary>
public abstract class CrmOrgStoreContract : IAsyncLifetime
{
    protected ICrmOrgStore Store { get; set; } = null!;

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    [Fact]
    public async Task CallsAreCountedUntilTheAllowanceIsSpent()
    {
        var charges = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Store.Charge("2030-01-01", 10, CancellationToken.None)));

        Assert.Equal(10, charges.Count(charge => charge.Accepted));
        Assert.Equal(Enumerable.Range(1, 10), charges.Where(charge => charge.Accepted).Select(charge => charge.Used).Order());
        Assert.Equal(10, await Store.GetUsage("2030-01-01", CancellationToken.None));
        Assert.Equal(0, await Store.GetUsage("2030-01-02", CancellationToken.None));
    }

    [Fact]
    public async Task UsageCanBeSetByTheAdmin()
    {
        await Store.SetUsage("2030-02-01", 7, CancellationToken.None);

        Assert.Equal(new ApiCharge(true, 8), await Store.Charge("2030-02-01", 8, CancellationToken.None));
        Assert.Equal(new ApiCharge(false, 8), await Store.Charge("2030-02-01", 8, CancellationToken.None));
    }

    [Fact]
    public async Task SettingsAreKept()
    {
        Assert.Null(await Store.GetSettings(CancellationToken.None));
        var settings = new OrgSettings { ClockOffset = TimeSpan.FromHours(-3), DailyApiRequests = 15_000, ScoreBand = new ScoreBandFormula(10, 20) };

        Assert.Equal(settings, await Store.UpdateSettings(_ => settings, CancellationToken.None));

        Assert.Equal(settings, await Store.GetSettings(CancellationToken.None));
    }

    [Fact]
    public async Task SettingsChangedAtOnceAllApply()
    {
        await Task.WhenAll(Enumerable.Range(1, 20).Select(minutes => Store.UpdateSettings(
            settings => settings with { ClockOffset = (settings.ClockOffset ?? TimeSpan.Zero) + TimeSpan.FromMinutes(minutes) }, CancellationToken.None)));

        Assert.Equal(TimeSpan.FromMinutes(20 * 21 / 2), (await Store.GetSettings(CancellationToken.None))!.ClockOffset);
    }
}

[FastLane]
public sealed class InMemoryCrmOrgStoreTests : CrmOrgStoreContract
{
    public override Task InitializeAsync()
    {
        Store = new InMemoryCrmOrgStore();
        return Task.CompletedTask;
    }

    public override Task DisposeAsync() => Task.CompletedTask;
}

public sealed class RedisCrmOrgStoreTests : CrmOrgStoreContract
{
    private IsolatedKeyPrefix _redis = null!;

    public override async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("crm-org");
        Store = new RedisCrmOrgStore(server.Connection, _redis.Options);
    }

    public override async Task DisposeAsync() => await _redis.DisposeAsync();
}
