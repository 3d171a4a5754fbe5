using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sync.ServiceDefaults.Messaging;

namespace Sync.Testing.Hosting;

/// <summary>
/// The fast lane: the service runs embedded (MassTransit's in-memory transport, the in-memory stores) with its bus
/// registered through MassTransit's test harness, so a test reads what it published from <see cref="ITestHarness"/>.
/// Services hosted on it do not share a bus: each process-wide in-memory bus is its own.
/// </summary>
public sealed class InMemoryLane : TestLane
{
    public override IReadOnlyDictionary<string, string?> Settings => TestSettings.Embedded;

    internal override void AddBus(WebApplicationBuilder builder, ServiceRecipe recipe, Action<IBusRegistrationConfigurator>? testConsumers) =>
        builder.AddSyncBus(static (services, configure) => services.AddMassTransitTestHarness(configure), Consumers(recipe, testConsumers));

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
