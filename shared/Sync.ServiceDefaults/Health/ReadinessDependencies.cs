using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Health;

public static class ReadinessDependencies
{
    /// <summary>
    /// Says in the log, at every <see cref="SyncOptions.UnreachableReportInterval"/>, which server the service cannot reach and
    /// where it looks for it, while the client keeps trying in the background and /health/ready answers not ready.
    /// </summary>
    public static IServiceCollection AddReadinessDependency(this IServiceCollection services, ReadinessDependency dependency)
    {
        services.AddSingleton(dependency);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, UnreachableDependencyReporter>());
        services.AddOptions<HealthCheckPublisherOptions>().Configure<IOptions<SyncOptions>>((publisher, sync) =>
        {
            publisher.Delay = sync.Value.UnreachableReportInterval;
            publisher.Period = sync.Value.UnreachableReportInterval;
            publisher.Predicate = check => check.Tags.Contains("ready");
        });
        // The health-check service would log each failed check again, with its stack trace, at every period: this reporter's line says it once.
        services.Configure<LoggerFilterOptions>(logging => logging.AddFilter(typeof(HealthCheckService).Namespace + ".DefaultHealthCheckService", LogLevel.Critical));
        return services;
    }
}
