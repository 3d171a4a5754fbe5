using MassTransit;
using Microsoft.AspNetCore.Builder;
using Sync.ServiceDefaults.Messaging;

namespace Sync.Testing.Hosting;

/// <summary>
/// Whatever the caller's settings say: a virtual host and key prefix it created and disposes itself, or Sync:Mode Embedded.
/// For a host whose callers compose the settings (the simulator's and prospect-editor's Start(settings)); it owns nothing.
/// </summary>
public sealed class SettingsLane(IEnumerable<KeyValuePair<string, string?>> settings) : TestLane
{
    public override IReadOnlyDictionary<string, string?> Settings { get; } = TestSettings.Combine(settings).ToDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The bus as Program.cs registers it, on RabbitMQ or embedded as the settings say.</summary>
    internal override void AddBus(WebApplicationBuilder builder, ServiceRecipe recipe, Action<IBusRegistrationConfigurator>? testConsumers) =>
        builder.AddSyncBus(Consumers(recipe, testConsumers), recipe.ConfigureRabbitMq);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
