using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sync.ServiceDefaults.Health;

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
