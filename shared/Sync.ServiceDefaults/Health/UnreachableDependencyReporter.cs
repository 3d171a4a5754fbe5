using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Health;

/// <summary>A server the service needs before it is ready, by the readiness check that watches it.</summary>
/// <param name="CheckName">The health check's name ("redis", MassTransit's "masstransit-bus").</param>
/// <param name="Server">What it is, for the log ("RabbitMQ", "Redis").</param>
/// <param name="Address">Where it is expected, host and port, from the service's settings.</param>
public sealed record ReadinessDependency(string CheckName, string Server, Func<IServiceProvider, string> Address);

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

/// <summary>Runs with the readiness checks (the health-check publisher's period) and logs each dependency that is not healthy.</summary>
internal sealed partial class UnreachableDependencyReporter(
    IEnumerable<ReadinessDependency> dependencies, IServiceProvider services, IHostApplicationLifetime lifetime,
    ILogger<UnreachableDependencyReporter> logger) : IHealthCheckPublisher
{
    // Read once, at start: a last report while the host shuts down must not reach into a disposed container.
    private readonly List<(ReadinessDependency Dependency, string Address)> _dependencies =
        dependencies.Select(dependency => (dependency, dependency.Address(services))).ToList();

    private readonly HashSet<string> _unreachable = [];

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        // Shutting down, the bus reports itself stopped: that is not a server out of reach.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
            return Task.CompletedTask;
        foreach (var (dependency, address) in _dependencies)
        {
            if (!report.Entries.TryGetValue(dependency.CheckName, out var entry))
                continue;
            if (entry.Status != HealthStatus.Healthy)
            {
                _unreachable.Add(dependency.CheckName);
                LogUnreachable(logger, dependency.Server, address, entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString());
            }
            else if (_unreachable.Remove(dependency.CheckName))
                LogReachable(logger, dependency.Server, address);
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Cannot reach {Server} at {Address}; still trying, and not ready until it answers ({Detail})")]
    private static partial void LogUnreachable(ILogger logger, string server, string address, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Server} at {Address} answers again")]
    private static partial void LogReachable(ILogger logger, string server, string address);
}
