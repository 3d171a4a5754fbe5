using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

/// <summary>Embedded, the simulator keeps its org in memory and answers the same API.</summary>
[FastLane]
public sealed class EmbeddedModeTests
{
    [Fact]
    public async Task TheEmbeddedSimulatorAnswersWithoutRedis()
    {
        await using var crm = await SimulatorHost.Start(TestSettings.Combine(TestSettings.Embedded, new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = "127.0.0.1:1",
        }));

        var id = await crm.CreateLead("Embedded", SimulatorHost.NewEmail());
        await crm.Update("Lead", id, new { Title = "In memory" });

        Assert.Equal("In memory", (await crm.Read("Lead", id)).GetProperty("Title").GetString());
        Assert.Equal(2, (await crm.ChangesOf(id)).Count);
    }
}
