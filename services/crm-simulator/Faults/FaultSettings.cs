namespace Sync.CrmSimulator.Faults;

/// <summary>
/// Faults the simulated CRM injects into its API (the admin API and health endpoints never fail): added latency, transient
/// 503s, and timeouts that hold the request and then answer 504 or drop the connection — by rate, or for the next N
/// requests so a test needs no luck. By default a fault strikes before the request is processed (nothing is written);
/// with <see cref="Phase"/> AfterProcessing the request is carried out and then its answer is lost, the hardest case for a client.
/// </summary>
public sealed class FaultSettings
{
    public int LatencyMilliseconds { get; set; }

    /// <summary>The share of requests (0 to 1) answered 503 SERVER_UNAVAILABLE.</summary>
    public double TransientErrorRate { get; set; }

    /// <summary>This many requests from now on are answered 503 SERVER_UNAVAILABLE.</summary>
    public int FailNextRequests { get; set; }

    /// <summary>The share of requests (0 to 1) that time out.</summary>
    public double TimeoutRate { get; set; }

    /// <summary>This many requests from now on time out.</summary>
    public int TimeOutNextRequests { get; set; }

    /// <summary>How long a timed-out request is held before its 504 or dropped connection.</summary>
    public TimeSpan TimeoutHold { get; set; } = TimeSpan.FromSeconds(30);

    public TimeoutBehaviour TimeoutBehaviour { get; set; } = TimeoutBehaviour.GatewayTimeout;

    public FaultPhase Phase { get; set; } = FaultPhase.BeforeProcessing;

    public IEnumerable<string> Problems()
    {
        if (LatencyMilliseconds is < 0 or > 600_000)
            yield return $"{nameof(LatencyMilliseconds)} must be between 0 and 600000.";
        if (TransientErrorRate is < 0 or > 1)
            yield return $"{nameof(TransientErrorRate)} must be between 0 and 1.";
        if (TimeoutRate is < 0 or > 1)
            yield return $"{nameof(TimeoutRate)} must be between 0 and 1.";
        if (FailNextRequests < 0)
            yield return $"{nameof(FailNextRequests)} must not be negative.";
        if (TimeOutNextRequests < 0)
            yield return $"{nameof(TimeOutNextRequests)} must not be negative.";
        if (TimeoutHold < TimeSpan.Zero || TimeoutHold > TimeSpan.FromMinutes(10))
            yield return $"{nameof(TimeoutHold)} must be between 0 and 10 minutes.";
        if (!Enum.IsDefined(TimeoutBehaviour))
            yield return $"{nameof(TimeoutBehaviour)} must be one of {string.Join(", ", Enum.GetNames<TimeoutBehaviour>())}.";
        if (!Enum.IsDefined(Phase))
            yield return $"{nameof(Phase)} must be one of {string.Join(", ", Enum.GetNames<FaultPhase>())}.";
    }

    public FaultSettings Copy() => (FaultSettings)MemberwiseClone();
}
