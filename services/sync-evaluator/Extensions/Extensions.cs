using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sync.Rules;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Observability;
using Sync.SyncEvaluator.Consumers;
using Sync.SyncEvaluator.Evaluation;
using Sync.SyncEvaluator.Outbox;
using Sync.SyncEvaluator.Storage;
using Sync.ServiceDefaults.Settings;

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

/// <summary>Fails start-up with the key at fault when the "SyncState" section would make the sync state misbehave.</summary>
internal sealed class SyncStateSettingsValidation : IValidateOptions<SyncStateSettings>
{
    public ValidateOptionsResult Validate(string? name, SyncStateSettings settings)
    {
        var failures = new List<string>();
        void Duration(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
                failures.Add($"{Extensions.SyncStateSection}:{key} must be a positive duration, such as 00:00:30 (it is {value}).");
            else if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
                failures.Add($"{Extensions.SyncStateSection}:{key} must be a whole number of milliseconds (it is {value}); the sync state keeps milliseconds.");
        }

        Duration(settings.MaxClockSkew, nameof(settings.MaxClockSkew));
        Duration(settings.PublishGrace, nameof(settings.PublishGrace));
        Duration(settings.Lease, nameof(settings.Lease));
        Duration(settings.MaxLease, nameof(settings.MaxLease));
        Duration(settings.DedupeWindow, nameof(settings.DedupeWindow));
        Duration(settings.RelayInterval, nameof(settings.RelayInterval));
        Duration(settings.DecisionsRetention, nameof(settings.DecisionsRetention));
        if (settings.MaxLease < settings.Lease)
            failures.Add($"{Extensions.SyncStateSection}:MaxLease ({settings.MaxLease}) must not be shorter than {Extensions.SyncStateSection}:Lease ({settings.Lease}).");
        // The lease end of an outstanding sync then only ever moves later, which the dispatcher's schedule overwrite relies on.
        if (settings.Lease < settings.PublishGrace)
            failures.Add($"{Extensions.SyncStateSection}:Lease ({settings.Lease}) must not be shorter than {Extensions.SyncStateSection}:PublishGrace ({settings.PublishGrace}).");
        if (settings.DecisionsKept is < 1 or > 10_000)
            failures.Add($"{Extensions.SyncStateSection}:DecisionsKept must be between 1 and 10000 (it is {settings.DecisionsKept}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
