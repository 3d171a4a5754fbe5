using MassTransit;
using Sync.ServiceDefaults.Observability;

namespace Sync.ActivityTracker.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.ActivityTracker";

    /// <summary>Registers activity-tracker's own services; its consumers are added by <see cref="AddActivityTrackerConsumers"/>.</summary>
    public static IHostApplicationBuilder AddActivityTracker(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        return builder;
    }

    public static IBusRegistrationConfigurator AddActivityTrackerConsumers(this IBusRegistrationConfigurator bus) => bus;
}
