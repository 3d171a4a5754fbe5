using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

/// <summary>The CRM's state lives in Redis: a new process on the same key prefix finds everything where it was.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync() => _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("crm-restart");

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task ARestartedSimulatorKeepsRecordsFeedUsageClockAndFormulas()
    {
        string leadId;
        long head;
        await using (var before = await SimulatorHost.Start(_redis.Settings))
        {
            leadId = await before.CreateLead("Durable", SimulatorHost.NewEmail(), new { Score__c = 30 });
            await before.Update("Lead", leadId, new { Title = "Kept" });
            await before.AdminSend(HttpMethod.Put, "admin/clock", new { offset = "02:00:00" });
            await before.SetLimits(new { dailyApiRequests = 5000, used = 42 });
            await before.AdminSend(HttpMethod.Put, "admin/formulas/score-band", new { warmAt = 10, hotAt = 25 });
            head = await before.Head();
        }

        await using var after = await SimulatorHost.Start(_redis.Settings);

        var lead = await after.Read("Lead", leadId);
        Assert.Equal("Kept", lead.GetProperty("Title").GetString());
        Assert.Equal("Hot", lead.GetProperty("Score_Band__c").GetString());
        Assert.Equal(head, await after.Head());
        var state = await after.AdminSend(HttpMethod.Get, "admin/state");
        Assert.Equal(5000, state.GetProperty("limits").GetProperty("dailyApiRequests").GetInt32());
        Assert.Equal(42 + 1, state.GetProperty("limits").GetProperty("used").GetInt32());
        Assert.Equal(TimeSpan.FromHours(2), TimeSpan.Parse(state.GetProperty("clock").GetProperty("offset").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var next = await after.CreateLead("AfterRestart", SimulatorHost.NewEmail());
        Assert.NotEqual(leadId, next);
        Assert.Equal(head + 1, await after.Head());
    }
}
