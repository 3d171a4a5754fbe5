using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Observability;
using Sync.ActivityTracker.Storage;
using Sync.ActivityTracker.Tracking;
using Sync.Clients.ProspectEditor;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Observability;
using Sync.ServiceDefaults.Settings;

namespace Sync.ActivityTracker.Extensions;

public static class Extensions
{
    /// <summary>Registers activity-tracker's own services; its consumers are added by <see cref="AddActivityTrackerConsumers"/>.</summary>
    public static IHostApplicationBuilder AddActivityTracker(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivityTrackerTelemetry.ActivitySourceName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<TrackingOptions>().BindSettings(TrackingOptions.Section);
        builder.AddProspectEditorClient();

        if (builder.IsEmbedded())
        {
            builder.Services.AddSingleton<IVisitorStore, InMemoryVisitorStore>();
            builder.Services.AddSingleton<ITrackedLinkStore, InMemoryTrackedLinkStore>();
        }
        else
        {
            builder.Services.AddSingleton<IVisitorStore, RedisVisitorStore>();
            builder.Services.AddSingleton<ITrackedLinkStore, RedisTrackedLinkStore>();
        }
        builder.Services.AddSingleton<ActivityRecorder>();
        builder.Services.AddSingleton<LinkTokens>();
        return builder;
    }

    /// <summary>activity-tracker consumes nothing: it is an HTTP edge that publishes.</summary>
    public static IBusRegistrationConfigurator AddActivityTrackerConsumers(this IBusRegistrationConfigurator bus) => bus;
}
