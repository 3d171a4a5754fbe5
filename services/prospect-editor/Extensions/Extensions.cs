using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sync.ProspectEditor.Automation;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Observability;
using Sync.ProspectEditor.Outbox;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Observability;
using Sync.ServiceDefaults.Settings;

namespace Sync.ProspectEditor.Extensions;

public static class Extensions
{
    /// <summary>Registers prospect-editor's own services; its consumers are added by <see cref="AddProspectEditorConsumers"/>.</summary>
    public static IHostApplicationBuilder AddProspectEditor(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ProspectEditorTelemetry.ActivitySourceName);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddOptions<OutboxOptions>().BindSettings(OutboxOptions.Section);
        builder.Services.AddOptions<ImportOptions>().BindSettings(ImportOptions.Section);

        if (builder.IsEmbedded())
        {
            builder.Services.AddSingleton<IProspectStore, InMemoryProspectStore>();
            builder.Services.AddSingleton<ICustomFieldStore, InMemoryCustomFieldStore>();
            builder.Services.AddSingleton<IAutomationRuleStore, InMemoryAutomationRuleStore>();
            builder.Services.AddSingleton<IImportStore, InMemoryImportStore>();
        }
        else
        {
            builder.Services.AddSingleton<IProspectStore, RedisProspectStore>();
            builder.Services.AddSingleton<ICustomFieldStore, RedisCustomFieldStore>();
            builder.Services.AddSingleton<IAutomationRuleStore, RedisAutomationRuleStore>();
            builder.Services.AddSingleton<IImportStore, RedisImportStore>();
        }

        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<ProspectWriter>();
        builder.Services.AddSingleton<ImportBatchWriter>();
        builder.Services.AddSingleton<ImportAnnouncer>();
        builder.Services.AddSingleton<ProspectImporter>();
        builder.Services.AddSingleton<AutomationRuleRunner>();
        builder.Services.AddSingleton<ProspectOutboxRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ProspectOutboxRelay>());
        return builder;
    }

    /// <summary>prospect-editor consumes nothing: it is an HTTP edge that publishes through its outbox.</summary>
    public static IBusRegistrationConfigurator AddProspectEditorConsumers(this IBusRegistrationConfigurator bus) => bus;
}
