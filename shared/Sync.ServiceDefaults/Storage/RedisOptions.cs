using System.ComponentModel.DataAnnotations;

namespace Sync.ServiceDefaults.Storage;

/// <summary>The "Redis" configuration section.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, such as "localhost:6379".</summary>
    [Required]
    public string ConnectionString { get; set; } = "localhost:6379";

    /// <summary>Every key Sync writes starts with this, so several deployments (or test runs) can share one Redis.</summary>
    [Required, RegularExpression(@"^[A-Za-z0-9_.:-]+$", ErrorMessage = "Redis:KeyPrefix may hold letters, digits and _ . : - only (braces would break Redis Cluster hash tags).")]
    public string KeyPrefix { get; set; } = "sync";
}
