using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests.Support;

/// <summary>A simulator and a listener following it, on a virtual host and key prefix of their own.</summary>
public class ListenerFixture : IAsyncLifetime
{
    public IsolatedVirtualHost Broker { get; private set; } = null!;

    public IsolatedKeyPrefix Redis { get; private set; } = null!;

    public SimulatorHost Crm { get; private set; } = null!;

    public FakeProspectEditor Prospects { get; } = new();

    public ListenerHost Listener { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Broker = await (await RabbitMqBroker.Shared()).CreateVirtualHost("crm-listener");
        Redis = (await RedisTestServer.Shared()).CreateKeyPrefix("crm-listener");
        Crm = await SimulatorHost.Start(Redis.Settings);
        Listener = await ListenerHost.Start(Broker, Redis, Crm, Prospects);
    }

    public async Task DisposeAsync()
    {
        await Listener.DisposeAsync();
        await Crm.DisposeAsync();
        await Broker.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>Waits until the listener has handled everything the CRM committed so far: the barrier before asserting that nothing was published.</summary>
    public async Task ListenerAtHead() => await Listener.AtPosition(await Crm.Head());

    public async Task<IReadOnlyList<PublishedChange>> PublishedFor(string recordId) =>
        [.. (await PublishedChange.InQueue(Broker)).Where(change => change.CrmRecordId == recordId).OrderBy(change => change.FeedPosition)];
}
