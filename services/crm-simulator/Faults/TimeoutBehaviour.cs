namespace Sync.CrmSimulator.Faults;

/// <summary>How a timed-out request ends once its hold is over.</summary>
public enum TimeoutBehaviour
{
    /// <summary>Answer 504 once the hold is over.</summary>
    GatewayTimeout,

    /// <summary>Close the connection without an answer once the hold is over.</summary>
    Drop,
}
