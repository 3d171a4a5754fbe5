namespace Sync.CrmSimulator.Faults;

/// <summary>When a fault strikes: before the request is processed (nothing written or charged), or after (its answer lost).</summary>
public enum FaultPhase
{
    BeforeProcessing,
    AfterProcessing,
}
