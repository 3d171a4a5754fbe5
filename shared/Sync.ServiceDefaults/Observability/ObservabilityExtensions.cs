using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Sync.ServiceDefaults.Observability;

public static class ObservabilityExtensions
{
    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry: ASP.NET Core, HttpClient and MassTransit (its "MassTransit" source and meter),
    /// plus each service's own source, added by <see cref="AddServiceTelemetry"/>. OTLP export switches on with OTEL_EXPORTER_OTLP_ENDPOINT;
    /// OTEL_SERVICE_NAME overrides the service name.
    /// </summary>
    public static IHostApplicationBuilder AddSyncOpenTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(serviceName);
            })
            .WithTracing(tracing => tracing
                .AddSource("MassTransit")
                .AddAspNetCoreInstrumentation(aspNetCore =>
                    // Health probes every few seconds would drown the traces that matter.
                    aspNetCore.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter("MassTransit")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            telemetry.UseOtlpExporter();
        return builder;
    }

    /// <summary>Registers a service's own ActivitySource and Meter, named "Sync.&lt;Service&gt;".</summary>
    public static IHostApplicationBuilder AddServiceTelemetry(this IHostApplicationBuilder builder, string sourceName)
    {
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(sourceName));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(sourceName));
        return builder;
    }
}
