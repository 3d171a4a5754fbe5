using MassTransit;
using Microsoft.AspNetCore.Builder;

namespace Sync.Testing.Hosting;

/// <summary>
/// Where a hosted service's bus and stores live. <see cref="ServerLane"/>: the real RabbitMQ and Redis, on a virtual host and
/// key prefix of the test's own. <see cref="InMemoryLane"/>: MassTransit's in-memory test harness and the in-memory stores
/// (the store contract tests hold them to the Redis ones), for the fast lane that needs no server.
/// </summary>
public abstract class TestLane : IAsyncDisposable
{
    /// <summary>The settings that put a service on this lane.</summary>
    public abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>A new virtual host and key prefix on the shared test servers, deleted when the lane is disposed.</summary>
    public static async Task<ServerLane> Servers(string purpose) =>
        new(await (await RabbitMqBroker.Shared()).CreateVirtualHost(purpose), (await RedisTestServer.Shared()).CreateKeyPrefix(purpose));

    /// <summary>Every service hosted on it has a bus and stores of its own, in its process, recorded by the test harness.</summary>
    public static InMemoryLane InMemory() => new();

    /// <summary>The settings a caller composed itself; disposing the lane leaves whatever they name to the caller.</summary>
    public static SettingsLane FromSettings(IEnumerable<KeyValuePair<string, string?>> settings) => new(settings);

    /// <summary>Registers the service's bus, as AddSyncBus in its Program.cs does, with the test's own consumers beside it.</summary>
    internal abstract void AddBus(WebApplicationBuilder builder, ServiceRecipe recipe, Action<IBusRegistrationConfigurator>? testConsumers);

    public abstract ValueTask DisposeAsync();

    internal static Action<IBusRegistrationConfigurator> Consumers(ServiceRecipe recipe, Action<IBusRegistrationConfigurator>? testConsumers) => bus =>
    {
        recipe.AddConsumers?.Invoke(bus);
        testConsumers?.Invoke(bus);
    };
}
