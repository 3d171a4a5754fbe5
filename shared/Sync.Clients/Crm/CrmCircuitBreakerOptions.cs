namespace Sync.Clients.Crm;

/// <summary>
/// The "Services:Crm:CircuitBreaker" section. When at least <see cref="FailureRatio"/> of the calls of the last
/// <see cref="SamplingDuration"/> failed (5xx, 408, 429, unreachable) and there were at least <see cref="MinimumThroughput"/>
/// of them, calls fail at once, without reaching the CRM, for <see cref="BreakDuration"/>; then one is tried again.
/// </summary>
public sealed class CrmCircuitBreakerOptions
{
    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
