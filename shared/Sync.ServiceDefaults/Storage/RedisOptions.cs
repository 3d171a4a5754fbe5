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

    /// <summary>host:port of each server <paramref name="connectionString"/> names, for the log.</summary>
    public static string Servers(string connectionString) => string.Join(",",
        StackExchange.Redis.ConfigurationOptions.Parse(connectionString).EndPoints.Select(endPoint => endPoint switch
        {
            System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => endPoint.ToString(),
        }));

    /// <summary>True when <paramref name="connectionString"/> parses and names at least one server (an empty or option-only string does not).</summary>
    public static bool NamesAServer(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            return true; // [Required] names that one.
        try
        {
            var endPoints = StackExchange.Redis.ConfigurationOptions.Parse(connectionString).EndPoints;
            return endPoints.Count > 0 && endPoints.All(endPoint => endPoint is not System.Net.DnsEndPoint dns || Uri.CheckHostName(dns.Host) != UriHostNameType.Unknown);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
