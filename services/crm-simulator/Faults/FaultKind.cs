namespace Sync.CrmSimulator.Faults;

/// <summary>What an injected fault does to a request.</summary>
public enum FaultKind
{
    None,
    Transient,
    Timeout,
}
