using MassTransit;
using Microsoft.AspNetCore.Builder;

namespace Sync.Testing.Hosting;

/// <summary>
/// What a service's Program.cs does, as a test hosts it: its name, its registrations, its consumers and its endpoints.
/// Each service's tests keep one, and <see cref="TestHostBuilder"/> hosts it on either lane.
/// </summary>
/// <param name="Name">As in Program.cs, such as "sync-worker".</param>
/// <param name="AddService">What Program.cs adds after AddServiceDefaults, before the bus.</param>
/// <param name="AddConsumers">The consumers AddSyncBus is given; null for a service without a bus (crm-simulator).</param>
/// <param name="MapEndpoints">What Program.cs maps after MapDefaultEndpoints.</param>
public sealed record ServiceRecipe(
    string Name,
    Action<WebApplicationBuilder> AddService,
    Action<IBusRegistrationConfigurator>? AddConsumers,
    Action<WebApplication> MapEndpoints)
{
    /// <summary>RabbitMQ-only endpoints beyond the conventions, such as the plain-JSON entry points; the in-memory lane has none.</summary>
    public Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? ConfigureRabbitMq { get; init; }

    public bool HasBus => AddConsumers is not null;
}
