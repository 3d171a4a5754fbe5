using System.ComponentModel.DataAnnotations;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// The "UsageTelemetry" configuration section: MassTransit's usage report, which it posts to its vendor's internet host.
/// Sync sends nothing to a host its configuration does not name, so the report is off unless an operator turns it on.
/// </summary>
public sealed class UsageTelemetrySettings
{
    public const string Section = "UsageTelemetry";

    /// <summary>True sends MassTransit's usage report (its version, the endpoints' and consumers' counts) to its vendor.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long after the bus started the report goes; MassTransit keeps it between 30 seconds and 30 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00")]
    public TimeSpan ReportDelay { get; set; } = TimeSpan.FromMinutes(5);
}
