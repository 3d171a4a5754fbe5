using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.CrmSimulator.Tests.Support;

/// <summary>One simulator per test class, on a Redis key prefix of its own.</summary>
public class SimulatorFixture : IAsyncLifetime
{
    private ServerLane _lane = null!;

    public SimulatorHost Crm { get; private set; } = null!;

    public IsolatedKeyPrefix Redis => _lane.Redis;

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("crm-simulator");
        Crm = await SimulatorHost.Start(_lane, Settings);
    }

    public async Task DisposeAsync()
    {
        await Crm.DisposeAsync();
        await _lane.DisposeAsync();
    }
}
