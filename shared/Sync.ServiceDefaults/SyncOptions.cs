using System.ComponentModel.DataAnnotations;

namespace Sync.ServiceDefaults;

/// <summary>The "Sync" configuration section: how this process runs.</summary>
public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>
    /// Distributed: RabbitMQ and Redis (the default). Embedded: MassTransit's in-memory transport and in-memory stores,
    /// for running every service in one process with nothing installed.
    /// </summary>
    public SyncMode Mode { get; set; } = SyncMode.Distributed;

    /// <summary>
    /// The key operators send in the X-Api-Key header to the operator-facing APIs. The default is public (it is in the README),
    /// so it is accepted only in Development and Testing and when embedded; anywhere else a service refuses to start with it.
    /// </summary>
    [Required, MinLength(8)]
    public string ApiKey { get; set; } = DevelopmentApiKey;

    public const string DevelopmentApiKey = "local-development-key";

    /// <summary>How often a service that cannot reach RabbitMQ or Redis says so in its log (with host and port) while it keeps trying.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UnreachableReportInterval { get; set; } = TimeSpan.FromSeconds(10);
}

public enum SyncMode
{
    Distributed,
    Embedded,
}
