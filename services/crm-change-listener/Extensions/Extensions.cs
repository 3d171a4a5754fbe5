using MassTransit;
using Sync.ServiceDefaults.Observability;

namespace Sync.CrmChangeListener.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.CrmChangeListener";

    /// <summary>Registers crm-change-listener's own services; its consumers are added by <see cref="AddCrmChangeListenerConsumers"/>.</summary>
    public static IHostApplicationBuilder AddCrmChangeListener(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        return builder;
    }

    public static IBusRegistrationConfigurator AddCrmChangeListenerConsumers(this IBusRegistrationConfigurator bus) => bus;
}
