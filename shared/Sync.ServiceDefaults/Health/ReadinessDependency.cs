namespace Sync.ServiceDefaults.Health;

/// <summary>A server the service needs before it is ready, by the readiness check that watches it.</summary>
/// <param name="CheckName">The health check's name ("redis", MassTransit's "masstransit-bus").</param>
/// <param name="Server">What it is, for the log ("RabbitMQ", "Redis").</param>
/// <param name="Address">Where it is expected, host and port, from the service's settings.</param>
public sealed record ReadinessDependency(string CheckName, string Server, Func<IServiceProvider, string> Address);
