using System.Diagnostics;

namespace Sync.ActivityTracker.Observability;

/// <summary>activity-tracker's own trace source (Sync.ActivityTracker), registered with the service's telemetry.</summary>
public static class ActivityTrackerTelemetry
{
    public const string ActivitySourceName = "Sync.ActivityTracker";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
