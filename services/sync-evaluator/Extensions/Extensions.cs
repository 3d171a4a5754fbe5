using MassTransit;
using Sync.ServiceDefaults.Observability;

namespace Sync.SyncEvaluator.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.SyncEvaluator";

    /// <summary>Registers sync-evaluator's own services; its consumers are added by <see cref="AddSyncEvaluatorConsumers"/>.</summary>
    public static IHostApplicationBuilder AddSyncEvaluator(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        return builder;
    }

    public static IBusRegistrationConfigurator AddSyncEvaluatorConsumers(this IBusRegistrationConfigurator bus) => bus;
}
