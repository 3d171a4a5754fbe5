using System.Diagnostics;

namespace Sync.CrmSimulator.Telemetry;

/// <summary>crm-simulator's own traces: the "Sync.CrmSimulator" source, registered by AddCrmSimulator.</summary>
public static class CrmSimulatorTelemetry
{
    public const string ActivitySourceName = "Sync.CrmSimulator";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
