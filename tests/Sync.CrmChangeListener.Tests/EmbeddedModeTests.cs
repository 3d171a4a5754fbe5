using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sync.Contracts;
using Sync.CrmChangeListener.Tests.Support;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.CrmChangeListener.Tests;

/// <summary>Embedded, the listener keeps its position in memory and publishes on the in-memory bus.</summary>
[FastLane]
public sealed class EmbeddedModeTests
{
    [Fact]
    public async Task TheEmbeddedListenerPublishesOnTheInMemoryBus()
    {
        var embedded = TestSettings.Combine(TestSettings.Embedded, new Dictionary<string, string?> { ["Redis:ConnectionString"] = "127.0.0.1:1" });
        await using var crm = await SimulatorHost.Start(embedded);
        var received = new List<CrmRecordChanged>();
        await using var listener = await ListenerHost.For(TestLane.InMemory(), crm, new FakeProspectEditor())
            .WithSettings(embedded)
            .BeforeService(services => services.AddSingleton(received))
            .WithTestConsumers(bus => bus.AddConsumer<RecordingConsumer>())
            .Start();

        var leadId = await crm.CreateLead("Embedded", SimulatorHost.NewEmail(), new { ProspectId__c = "8001" });

        await Eventually.True(() => { lock (received) return received.Any(change => change.CrmRecordId == leadId); }, "the change to reach the in-memory bus");
        lock (received)
            Assert.Equal(8001, received.Single(change => change.CrmRecordId == leadId).ProspectId);
    }

    private sealed class RecordingConsumer(List<CrmRecordChanged> received) : IConsumer<CrmRecordChanged>
    {
        public Task Consume(ConsumeContext<CrmRecordChanged> context)
        {
            lock (received)
                received.Add(context.Message);
            return Task.CompletedTask;
        }
    }
}
