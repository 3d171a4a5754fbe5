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

    /// <summary>The key operators send in the X-Api-Key header to the operator-facing APIs.</summary>
    [Required, MinLength(8)]
    public string ApiKey { get; set; } = "local-development-key";
}

public enum SyncMode
{
    Distributed,
    Embedded,
}
