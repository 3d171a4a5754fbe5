using System.Diagnostics;

namespace Sync.ProspectEditor.Observability;

/// <summary>prospect-editor's own trace source (Sync.ProspectEditor), registered with the service's telemetry.</summary>
public static class ProspectEditorTelemetry
{
    public const string ActivitySourceName = "Sync.ProspectEditor";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
