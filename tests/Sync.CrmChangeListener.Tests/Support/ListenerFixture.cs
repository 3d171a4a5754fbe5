using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.CrmChangeListener.Tests.Support;

/// <summary>A simulator and a listener following it, on a virtual host and key prefix of their own.</summary>
public class ListenerFixture : IAsyncLifetime
{
    private ServerLane _lane = null!;

    public IsolatedVirtualHost Broker => _lane.Broker;

    public IsolatedKeyPrefix Redis => _lane.Redis;

    public SimulatorHost Crm { get; private set; } = null!;

    public FakeProspectEditor Prospects { get; } = new();

    public ListenerHost Listener { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("crm-listener");
        Crm = await SimulatorHost.Start(_lane);
        Listener = await ListenerHost.Start(_lane, Crm, Prospects);
    }

    public async Task DisposeAsync()
    {
        await Listener.DisposeAsync();
        await Crm.DisposeAsync();
        await _lane.DisposeAsync();
    }

    /// <summary>Waits until the listener has handled everything the CRM committed so far: the barrier before asserting that nothing was published.</summary>
    public async Task ListenerAtHead() => await Listener.AtPosition(await Crm.Head());

    public async Task<IReadOnlyList<PublishedChange>> PublishedFor(string recordId) =>
        [.. (await PublishedChange.InQueue(Broker)).Where(change => change.CrmRecordId == recordId).OrderBy(change => change.FeedPosition)];
}
