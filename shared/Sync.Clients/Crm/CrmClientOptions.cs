using Sync.Contracts;

namespace Sync.Clients.Crm;

/// <summary>The "Services:Crm" configuration section.</summary>
public sealed class CrmClientOptions
{
    public const string Section = "Services:Crm";

    public Uri Url { get; set; } = new("http://localhost:5105");

    /// <summary>The bearer token of the CRM user this service acts as; the sync uses its integration user's.</summary>
    public string AccessToken { get; set; } = "sync-integration-token";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public CrmObjectType[] SyncedObjectTypes { get; set; } = [CrmObjectType.Lead, CrmObjectType.Contact];

    /// <summary>When the client stops calling a CRM that keeps failing ("Services:Crm:CircuitBreaker").</summary>
    public CrmCircuitBreakerOptions CircuitBreaker { get; set; } = new();
}
