using System.ComponentModel.DataAnnotations;

namespace Sync.ProspectEditor.Configuration;

/// <summary>The "Outbox" configuration section: how prospect-editor's relay drains the outboxes.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often the relay looks for outboxes left behind (a crash, the broker away).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a mark stays before the sweep drains and may forget it: longer than any write takes between marking and
    /// its script, so the sweep never forgets the mark of a write still in flight.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MarkGrace { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 10_000)]
    public int SweepBatch { get; set; } = 500;

    /// <summary>
    /// How often the backstop walks every outbox for events left without a mark (a write that outlived MarkGrace, then a
    /// crash before the relay saw it), and marks them for the sweep. It also runs shortly after start, when a crash is recent.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan OrphanScanInterval { get; set; } = TimeSpan.FromMinutes(15);
}
