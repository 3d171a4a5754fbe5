using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Scalar.AspNetCore;
using Sync.ServiceDefaults.Health;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Observability;
using Sync.ServiceDefaults.Storage;
using Sync.ServiceDefaults.Settings;

namespace Sync.ServiceDefaults;

public static class Extensions
{
    /// <summary>
    /// What every Sync process needs: its options validated at start, OpenTelemetry, health checks, problem details for every
    /// error, and (unless embedded) the shared Redis connection. The bus is added by <c>AddSyncBus</c>, once per process.
    /// </summary>
    /// <param name="defaultHttpPort">
    /// The port the service answers on (on localhost) when no address is configured; URLS, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS,
    /// --urls or Kestrel:Endpoints always win, so a container's or an operator's choice is never overridden.
    /// </param>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName, int? defaultHttpPort = null)
    {
        builder.Properties[ServiceNameProperty] = serviceName;
        // What every service reads and waits on time through; a test host registers its own clock instead.
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (defaultHttpPort is { } port && builder is WebApplicationBuilder web && !HasConfiguredAddress(builder.Configuration))
            web.WebHost.UseUrls($"http://localhost:{port}");
        builder.Services.AddOptions<SyncOptions>().BindSettings(SyncOptions.Section)
            .Validate<IHostEnvironment>(
                (options, environment) => options.ApiKey != SyncOptions.DevelopmentApiKey || options.Mode == SyncMode.Embedded
                    || environment.IsDevelopment() || environment.IsEnvironment("Testing"),
                $"Sync:ApiKey is the public development key; set this deployment's own operator key (Sync__ApiKey) outside Development.")
            .ValidateOnStart();
        builder.AddSyncOpenTelemetry(serviceName);
        builder.AddSyncConsoleLogging(serviceName);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemDetailsDefaults.AddTraceId);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        // Minimal APIs answer a body they cannot bind with a bare 400 outside Development; thrown, it reaches the handler,
        // which names the member at fault in every environment.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.AddRequestReading();
        // The HTTP contract, from the route metadata each service writes; tests/Sync.ServiceDefaults.Tests holds its snapshots.
        builder.Services.AddOpenApi();
        if (!builder.IsEmbedded())
            builder.AddSyncRedis();
        return builder;
    }

    private static bool HasConfiguredAddress(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"]) || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"]) || configuration.GetSection("Kestrel:Endpoints").Exists();

    private const string ServiceNameProperty = "Sync.ServiceName";

    /// <summary>The name AddServiceDefaults was given ("sync-evaluator"): it names the process's broker connection and Redis client.</summary>
    public static string ServiceName(this IHostApplicationBuilder builder) =>
        builder.Properties.TryGetValue(ServiceNameProperty, out var name) && name is string serviceName ? serviceName : builder.Environment.ApplicationName;

    /// <summary>True when every service runs in this one process on the in-memory transport and stores.</summary>
    public static bool IsEmbedded(this IHostApplicationBuilder builder) =>
        string.Equals(builder.Configuration[$"{SyncOptions.Section}:{nameof(SyncOptions.Mode)}"], nameof(SyncMode.Embedded), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Problem details for errors and unknown routes, the health endpoints: /health/live (the process) and /health/ready
    /// (broker and Redis), the OpenAPI document at /openapi/v1.json (open, like health: it names routes, never data) and, in
    /// Development, its reference page at /scalar.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestReading();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthReportWriter.WriteJson,
        });
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            // The page's script is served by the service itself; the fonts, telemetry and AI agent would call Scalar's hosts.
            app.MapScalarApiReference(page => page.DisableDefaultFonts().DisableTelemetry().DisableAgent());
        }
        return app;
    }
}
