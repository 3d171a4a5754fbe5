using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.ServiceDefaults;
using Sync.ServiceDefaults.Observability;
using Sync.ServiceDefaults.Settings;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.BatchForming;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Consumers;
using Sync.SyncWorker.Control;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Observability;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Storage.Allowance;
using Sync.SyncWorker.Storage.MergeBases;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.SyncWorker.Storage.WorkerState;
using Sync.SyncWorker.Writing;

namespace Sync.SyncWorker.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.SyncWorker";

    /// <summary>The owner part of the worker's Redis keys: "{prefix}:sync-worker:...".</summary>
    public const string RedisOwner = "sync-worker";

    /// <summary>Registers sync-worker's own services; its consumers are added by <see cref="AddSyncWorkerConsumers"/>.</summary>
    public static IHostApplicationBuilder AddSyncWorker(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        var services = builder.Services;
        services.AddOptions<SyncWorkerOptions>().BindSettings(SyncWorkerOptions.Section);
        services.AddOptions<FieldMappingOptions>().BindSettings(FieldMappingOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        // Each registers once per process: hosted with other services (embedded), they share one client of each.
        builder.AddProspectEditorClient();
        builder.AddCrmClient();

        services.AddSingleton<SyncWorkerMetrics>();
        services.AddSingleton(provider =>
        {
            var mapping = provider.GetRequiredService<IOptions<FieldMappingOptions>>().Value;
            return new FieldMerger(mapping.Rules(), new HashSet<string>([mapping.NewLeadLastName, mapping.NewLeadCompany], StringComparer.Ordinal),
                provider.GetRequiredService<IOptions<SyncWorkerOptions>>().Value.IntegrationUserId);
        });
        services.AddSingleton<CrmAllowance>();
        // One batch's stages, in the order they run; the synchronizer orchestrates them.
        services.AddScoped<ProspectSnapshots>();
        services.AddScoped<RecordMatching>();
        services.AddScoped<MergeBaseKeeper>();
        services.AddScoped<SyncPlanner>();
        services.AddScoped<CrmRecordWriter>();
        services.AddScoped<ProspectWriteBack>();
        services.AddScoped<ProspectSyncPipeline>();
        services.AddScoped<SyncCompletion>();
        services.AddScoped<BatchRecorder>();
        services.AddSingleton<BatchRescheduler>();
        services.AddScoped<BatchSynchronizer>();
        services.AddSingleton<SyncBatcher>();
        services.AddSingleton<SyncConsumption>();
        services.AddHostedService(provider => provider.GetRequiredService<SyncConsumption>());

        if (builder.IsEmbedded())
        {
            services.AddSingleton<IWorkerStateStore, InMemoryWorkerStateStore>();
            services.AddSingleton<IMergeBaseStore, InMemoryMergeBaseStore>();
            services.AddSingleton<ISyncErrorStore, InMemorySyncErrorStore>();
            services.AddSingleton<IAllowanceStore, InMemoryAllowanceStore>();
            services.AddSingleton<ISyncRetryScheduler, DelayedDeliveryRetries>();
            // The in-memory queue does not show its count: the worker counts what enters and leaves it.
            services.AddSingleton<InMemoryWorkerQueueDepth>();
            services.AddSingleton<IWorkerQueueDepth>(provider => provider.GetRequiredService<InMemoryWorkerQueueDepth>());
            services.AddSingleton<WorkerQueueTraffic>();
            services.AddPublishObserver(provider => provider.GetRequiredService<WorkerQueueTraffic>());
            services.AddSendObserver(provider => provider.GetRequiredService<WorkerQueueTraffic>());
            services.AddReceiveObserver(provider => provider.GetRequiredService<WorkerQueueTraffic>());
            services.AddReceiveEndpointObserver(provider => provider.GetRequiredService<WorkerQueueTraffic>());
        }
        else
        {
            services.AddSingleton<IWorkerStateStore, RedisWorkerStateStore>();
            services.AddSingleton<IMergeBaseStore, RedisMergeBaseStore>();
            services.AddSingleton<ISyncErrorStore, RedisSyncErrorStore>();
            services.AddSingleton<IAllowanceStore, RedisAllowanceStore>();
            services.AddSingleton<RabbitMqRetryQueues>();
            services.AddSingleton<ISyncRetryScheduler>(provider => provider.GetRequiredService<RabbitMqRetryQueues>());
            services.AddSingleton<IWorkerQueueDepth>(provider => provider.GetRequiredService<RabbitMqRetryQueues>());
        }
        return builder;
    }

    /// <summary>
    /// The consumer of the sync-worker queue, which hands each request to the <see cref="SyncBatcher"/>. It is left out of ConfigureEndpoints: <see cref="SyncConsumption"/>
    /// connects its endpoint while the worker may consume and stops it while paused.
    /// </summary>
    public static IBusRegistrationConfigurator AddSyncWorkerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SyncRequestedConsumer, SyncRequestedConsumerDefinition>().ExcludeFromConfigureEndpoints();
        return bus;
    }
}
