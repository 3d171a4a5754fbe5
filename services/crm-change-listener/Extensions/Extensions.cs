using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sync.CrmChangeListener.Configuration;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.CrmChangeListener.Feed;
using Sync.CrmChangeListener.Storage;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Observability;
using Sync.ServiceDefaults.Settings;

namespace Sync.CrmChangeListener.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.CrmChangeListener";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    /// <summary>Registers crm-change-listener's own services; its consumers are added by <see cref="AddCrmChangeListenerConsumers"/>.</summary>
    public static IHostApplicationBuilder AddCrmChangeListener(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        builder.Services.AddOptions<CrmFeedOptions>().BindSettings(CrmFeedOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddCrmClient();
        builder.AddProspectEditorClient();

        if (builder.IsEmbedded())
            builder.Services.AddSingleton<ICrmFeedCursorStore, InMemoryCrmFeedCursorStore>();
        else
            builder.Services.AddSingleton<ICrmFeedCursorStore, RedisCrmFeedCursorStore>();

        builder.Services.AddSingleton<CrmFeedStatus>();
        builder.Services.AddSingleton<FeedStartingPoint>();
        builder.Services.AddSingleton<FeedProspectFinder>();
        builder.Services.AddSingleton<FeedBatchPublisher>();
        builder.Services.AddSingleton<FeedFailureLog>();
        builder.Services.AddHostedService<CrmFeedFollower>();
        return builder;
    }

    /// <summary>crm-change-listener consumes nothing: it reads the CRM's change feed and publishes.</summary>
    public static IBusRegistrationConfigurator AddCrmChangeListenerConsumers(this IBusRegistrationConfigurator bus) => bus;
}
