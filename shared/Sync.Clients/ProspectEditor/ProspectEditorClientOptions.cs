namespace Sync.Clients.ProspectEditor;

/// <summary>The "Services:ProspectEditor" configuration section.</summary>
public sealed class ProspectEditorClientOptions
{
    public const string Section = "Services:ProspectEditor";

    /// <summary>prospect-editor's address: absolute, http or https (checked at start).</summary>
    public Uri Url { get; set; } = new("http://localhost:5102");

    internal bool HasValidUrl => Url is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <summary>The prospect-editor's API key; by default this deployment's own Sync:ApiKey.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The header prospect-editor reads the API key from, as every operator-facing API of Sync does.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>How long one attempt of a call may take before it fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before a read that failed transiently (a 5xx, a timeout, no connection) is sent once more.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}
