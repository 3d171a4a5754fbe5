using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults.Health;
using Sync.ServiceDefaults.Settings;

namespace Sync.ServiceDefaults.Messaging;

public static class BusExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ, with the conventions every service shares: explicit queue names, contract validation,
    /// retries for transient failures, the in-memory outbox (a consumer's publishes leave only once it succeeds), publisher
    /// confirms, and the consumers' queues declared before the first publish. Embedded, the same on the in-memory transport.
    /// Call it once per process, with the consumers of every service the process hosts.
    /// </summary>
    /// <param name="addConsumers">The consumers (and their definitions) of every service this process hosts.</param>
    /// <param name="configureRabbitMq">RabbitMQ-only endpoints beyond the conventions, such as the plain-JSON entry points for upstreams.</param>
    public static IHostApplicationBuilder AddSyncBus(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? addConsumers = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureRabbitMq = null) =>
        builder.AddSyncBus(static (services, configure) => services.AddMassTransit(configure), addConsumers, configureRabbitMq);

    /// <summary>The same bus, joined to the container by <paramref name="registerMassTransit"/> rather than AddMassTransit.</summary>
    /// <param name="registerMassTransit">
    /// How MassTransit joins the container: MassTransit's AddMassTransitTestHarness, for one, registers the same bus and also
    /// records everything it publishes, sends and consumes.
    /// </param>
    public static IHostApplicationBuilder AddSyncBus(
        this IHostApplicationBuilder builder,
        Func<IServiceCollection, Action<IBusRegistrationConfigurator>, IServiceCollection> registerMassTransit,
        Action<IBusRegistrationConfigurator>? addConsumers = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureRabbitMq = null)
    {
        builder.Services.AddOptions<RabbitMqOptions>().BindSettings(RabbitMqOptions.Section);
        builder.Services.AddSingleton<ConfirmedPublisher>();
        builder.Services.AddOptions<UsageTelemetrySettings>().BindSettings(UsageTelemetrySettings.Section);
        // MassTransit's own options: its usage tracker reads them when the bus is built (its MASSTRANSIT_USAGE_TELEMETRY variable still wins).
        builder.Services.AddOptions<UsageTelemetryOptions>().Configure<IOptions<UsageTelemetrySettings>>((usage, settings) =>
        {
            usage.Enabled = settings.Value.Enabled;
            usage.ReportDelay = settings.Value.ReportDelay;
        });
        var embedded = builder.IsEmbedded();
        if (!embedded)
            builder.Services.AddReadinessDependency(new ReadinessDependency("masstransit-bus", "RabbitMQ", services =>
            {
                var options = services.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                return $"{options.Host}:{options.Port} (virtual host {options.VirtualHost})";
            }));
        var connectionName = builder.ServiceName();

        registerMassTransit(builder.Services, bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            addConsumers?.Invoke(bus);
            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.UseMessageRetry(retry =>
                {
                    // A message that can never succeed goes to the error queue at once; anything else (Redis or the CRM briefly away) is retried.
                    retry.Ignore<InvalidMessageException>();
                    retry.Ignore<JsonException>();
                    retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));
                });
                endpoint.UseInMemoryOutbox(context);
            });

            if (embedded)
            {
                // The in-memory transport delays a message itself: an IMessageScheduler sends through that delay (the worker's retries).
                bus.AddDelayedMessageScheduler();
                bus.UsingInMemory((context, transport) =>
                {
                    transport.UseDelayedMessageScheduler();
                    transport.ConfigureJsonSerializerOptions(ContractJsonConverterFactory.AddTo);
                    transport.UseConsumeFilter(typeof(ContractValidationFilter<>), context);
                    transport.ConfigureEndpoints(context);
                });
                return;
            }

            bus.UsingRabbitMq((context, transport) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                transport.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
                {
                    host.Username(options.Username);
                    host.Password(options.Password);
                    host.PublisherConfirmation = true;
                    host.ConnectionName(connectionName);
                });
                transport.ConfigureJsonSerializerOptions(ContractJsonConverterFactory.AddTo);
                SyncTopology.DeclareConsumerQueuesOnPublish(transport);
                transport.UseConsumeFilter(typeof(ContractValidationFilter<>), context);
                configureRabbitMq?.Invoke(context, transport);
                transport.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
