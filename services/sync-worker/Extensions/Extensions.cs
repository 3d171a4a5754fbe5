using MassTransit;
using Sync.ServiceDefaults.Observability;

namespace Sync.SyncWorker.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.SyncWorker";

    /// <summary>Registers sync-worker's own services; its consumers are added by <see cref="AddSyncWorkerConsumers"/>.</summary>
    public static IHostApplicationBuilder AddSyncWorker(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        return builder;
    }

    public static IBusRegistrationConfigurator AddSyncWorkerConsumers(this IBusRegistrationConfigurator bus) => bus;
}
