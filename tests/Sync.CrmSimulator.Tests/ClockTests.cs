using System.Globalization;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

/// <summary>The CRM's clock, moved by the admin: every advance counts, whichever simulator it reaches and however close together.</summary>
public sealed class ClockTests : IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;
    private SimulatorHost _first = null!;
    private SimulatorHost _second = null!;

    public async Task InitializeAsync()
    {
        _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("crm-clock");
        _first = await SimulatorHost.Start(_redis.Settings);
        _second = await SimulatorHost.Start(_redis.Settings);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task TwoAdvancesInQuickSuccessionMoveTheClockByTheirSum()
    {
        await _first.AdminSend(HttpMethod.Put, "admin/clock", new { offset = "00:00:00" });
        // The second simulator has just read the clock, and holds what it read.
        Assert.Equal(TimeSpan.Zero, await Offset(_second));

        await _first.AdminSend(HttpMethod.Post, "admin/clock/advance", new { by = "01:00:00" });
        var moved = await _second.AdminSend(HttpMethod.Post, "admin/clock/advance", new { by = "02:00:00" });

        Assert.Equal(TimeSpan.FromHours(3), Offset(moved));
        await UntilOffset(_first, TimeSpan.FromHours(3));
    }

    [Fact]
    public async Task AdvancesMadeAtOnceOnTwoSimulatorsAllCount()
    {
        await _first.AdminSend(HttpMethod.Put, "admin/clock", new { offset = "00:00:00" });

        await Task.WhenAll(Enumerable.Range(1, 10).Select(minutes =>
            (minutes % 2 == 0 ? _first : _second).AdminSend(HttpMethod.Post, "admin/clock/advance", new { by = TimeSpan.FromMinutes(minutes).ToString() })));

        await UntilOffset(_first, TimeSpan.FromMinutes(10 * 11 / 2));
        await UntilOffset(_second, TimeSpan.FromMinutes(10 * 11 / 2));
    }

    /// <summary>A simulator holds the settings it read for a second, so one that did not make the last change sees it within that.</summary>
    private static async Task UntilOffset(SimulatorHost crm, TimeSpan expected) =>
        await Eventually.True(async () => await Offset(crm) == expected, $"the clock offset {expected} on the simulator at {crm.Address}", TimeSpan.FromSeconds(5));

    private static async Task<TimeSpan> Offset(SimulatorHost crm) =>
        Offset((await crm.AdminSend(HttpMethod.Get, "admin/state")).GetProperty("clock"));

    private static TimeSpan Offset(System.Text.Json.JsonElement clock) =>
        TimeSpan.Parse(clock.GetProperty("offset").GetString()!, CultureInfo.InvariantCulture);
}
