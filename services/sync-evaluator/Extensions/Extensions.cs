using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sync.SyncEvaluator.Configuration;
using Sync.Rules;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Observability;
using Sync.ServiceDefaults.Settings;
using Sync.SyncEvaluator.Consumers;
using Sync.SyncEvaluator.Evaluation;
using Sync.SyncEvaluator.Outbox;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.SyncEvaluator";

    /// <summary>
    /// The configuration section of <see cref="SyncStateSettings"/>: clock skew, publish grace, lease, relay interval, dedupe window,
    /// and how many decisions are kept per prospect and for how long.
    /// </summary>
    public const string SyncStateSection = "SyncState";

    /// <summary>Registers sync-evaluator's own services; its consumers are added by <see cref="AddSyncEvaluatorConsumers"/>.</summary>
    public static IHostApplicationBuilder AddSyncEvaluator(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        builder.Services.AddOptions<SyncStateSettings>().BindSettings(SyncStateSection);
        builder.Services.AddSingleton<IValidateOptions<SyncStateSettings>, SyncStateSettingsValidation>();

        if (builder.IsEmbedded())
            builder.Services.AddSingleton<ISyncStateStore, InMemorySyncStateStore>();
        else
            builder.Services.AddSingleton<ISyncStateStore, RedisSyncStateStore>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EvaluatorTelemetry>();
        builder.Services.AddSingleton<ISyncRequestPublisher, BusSyncRequestPublisher>();
        builder.Services.AddSingleton<SyncRequestDispatcher>();
        builder.Services.AddSingleton<ChangeEvaluator>();
        builder.Services.AddHostedService<SyncRequestRelay>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddSyncEvaluatorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<EvaluateActivityConsumer, EvaluateActivityConsumerDefinition>();
        bus.AddConsumer<EvaluateProspectChangeConsumer, EvaluateProspectChangeConsumerDefinition>();
        bus.AddConsumer<EvaluateCrmChangeConsumer, EvaluateCrmChangeConsumerDefinition>();
        bus.AddConsumer<EvaluateImportConsumer, EvaluateImportConsumerDefinition>();
        bus.AddConsumer<EvaluateForcedSyncConsumer, EvaluateForcedSyncConsumerDefinition>();
        bus.AddConsumer<RecordSyncCompletionConsumer, RecordSyncCompletionConsumerDefinition>();
        return bus;
    }
}
