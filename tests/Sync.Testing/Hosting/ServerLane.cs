using MassTransit;
using Microsoft.AspNetCore.Builder;
using Sync.ServiceDefaults.Messaging;

namespace Sync.Testing.Hosting;

/// <summary>The real broker and Redis: an isolated virtual host and key prefix, which every service hosted on the lane shares.</summary>
public sealed class ServerLane(IsolatedVirtualHost broker, IsolatedKeyPrefix redis) : TestLane
{
    public IsolatedVirtualHost Broker { get; } = broker;

    public IsolatedKeyPrefix Redis { get; } = redis;

    public override IReadOnlyDictionary<string, string?> Settings =>
        TestSettings.Combine(Broker.Settings, Redis.Settings).ToDictionary(StringComparer.OrdinalIgnoreCase);

    internal override void AddBus(WebApplicationBuilder builder, ServiceRecipe recipe, Action<IBusRegistrationConfigurator>? testConsumers) =>
        builder.AddSyncBus(Consumers(recipe, testConsumers), recipe.ConfigureRabbitMq);

    /// <summary>Deletes the virtual host and the keys: last, after every service on the lane has stopped.</summary>
    public override async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
