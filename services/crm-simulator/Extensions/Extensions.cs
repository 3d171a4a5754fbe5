using MassTransit;
using Sync.ServiceDefaults.Observability;

namespace Sync.CrmSimulator.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.CrmSimulator";

    /// <summary>Registers crm-simulator's own services; its consumers are added by <see cref="AddCrmSimulatorConsumers"/>.</summary>
    public static IHostApplicationBuilder AddCrmSimulator(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        return builder;
    }

    public static IBusRegistrationConfigurator AddCrmSimulatorConsumers(this IBusRegistrationConfigurator bus) => bus;
}
