using System.ComponentModel.DataAnnotations;

namespace Sync.Embedded.Configuration;

/// <summary>
/// The port each service answers on, the same defaults as when each runs alone, so the README's walk-through works
/// against either. Override with Embedded:Ports:&lt;Service&gt;.
/// </summary>
public sealed class EmbeddedPorts
{
    public const string Section = "Embedded:Ports";

    [Range(1, 65535)]
    public int ActivityTracker { get; set; } = 5101;

    [Range(1, 65535)]
    public int ProspectEditor { get; set; } = 5102;

    [Range(1, 65535)]
    public int SyncEvaluator { get; set; } = 5103;

    [Range(1, 65535)]
    public int SyncWorker { get; set; } = 5104;

    [Range(1, 65535)]
    public int CrmSimulator { get; set; } = 5105;

    [Range(1, 65535)]
    public int CrmChangeListener { get; set; } = 5106;

    public IEnumerable<int> All => [ActivityTracker, ProspectEditor, SyncEvaluator, SyncWorker, CrmSimulator, CrmChangeListener];
}
