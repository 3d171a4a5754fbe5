using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults.Http;
using Sync.ServiceDefaults.Settings;

namespace Sync.Clients.ProspectEditor;

/// <summary>The prospect-editor's API, as the other services use it: they read prospects and ask for changes, never write them.</summary>
public interface IProspectEditorClient
{
    Task<ResolvedProspect> Resolve(ResolveProspectRequest request, CancellationToken cancellationToken);

    /// <summary>The prospect, or null when prospect-editor says no prospect has this id (any other failure throws).</summary>
    Task<ProspectDto?> Get(long prospectId, CancellationToken cancellationToken);

    /// <summary>The prospect with this address, or null when prospect-editor says there is none (any other failure throws).</summary>
    Task<ProspectDto?> FindByEmail(string email, CancellationToken cancellationToken);

    Task<ProspectLookupResult> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken);

    /// <summary>Opts the prospect out of e-mail (an unsubscribe), which changes the prospect record; null when there is no such prospect.</summary>
    Task<ProspectDto?> Unsubscribe(long prospectId, CancellationToken cancellationToken);

    Task<SyncWriteBackResult> ApplySyncWrites(IReadOnlyList<SyncWriteBack> writes, CancellationToken cancellationToken);
}

/// <summary>The "Services:ProspectEditor" configuration section.</summary>
public sealed class ProspectEditorClientOptions
{
    public const string Section = "Services:ProspectEditor";

    /// <summary>prospect-editor's address: absolute, http or https (checked at start).</summary>
    public Uri Url { get; set; } = new("http://localhost:5102");

    internal bool HasValidUrl => Url is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    /// <summary>The prospect-editor's API key; by default this deployment's own Sync:ApiKey.</summary>
    public string? ApiKey { get; set; }
}

internal sealed class ProspectEditorClient(HttpClient http) : IProspectEditorClient
{
    public async Task<ResolvedProspect> Resolve(ResolveProspectRequest request, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("prospects/resolve", request, cancellationToken);
        await ProspectEditorError.ThrowUnlessSuccess(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ResolvedProspect>(cancellationToken))!;
    }

    public async Task<ProspectDto?> Get(long prospectId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"prospects/{prospectId}", cancellationToken);
        if (await ProspectEditorError.IsProspectNotFound(response, cancellationToken))
            return null;
        return await response.Content.ReadFromJsonAsync<ProspectDto>(cancellationToken);
    }

    public async Task<ProspectDto?> FindByEmail(string email, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"prospects?email={Uri.EscapeDataString(email)}", cancellationToken);
        if (await ProspectEditorError.IsProspectNotFound(response, cancellationToken))
            return null;
        return await response.Content.ReadFromJsonAsync<ProspectDto>(cancellationToken);
    }

    public async Task<ProspectLookupResult> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("prospects/lookup", new ProspectLookupRequest(prospectIds), cancellationToken);
        await ProspectEditorError.ThrowUnlessSuccess(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ProspectLookupResult>(cancellationToken))!;
    }

    public async Task<ProspectDto?> Unsubscribe(long prospectId, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync($"prospects/{prospectId}/unsubscribe", content: null, cancellationToken);
        if (await ProspectEditorError.IsProspectNotFound(response, cancellationToken))
            return null;
        return await response.Content.ReadFromJsonAsync<ProspectDto>(cancellationToken);
    }

    public async Task<SyncWriteBackResult> ApplySyncWrites(IReadOnlyList<SyncWriteBack> writes, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("prospects/sync-writes", new SyncWriteBackRequest(writes), cancellationToken);
        await ProspectEditorError.ThrowUnlessSuccess(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<SyncWriteBackResult>(cancellationToken))!;
    }
}

/// <summary>prospect-editor answered with an error; <see cref="Transient"/> tells a retry apart from a request that will never succeed.</summary>
public sealed class ProspectEditorException(HttpStatusCode status, string detail)
    : Exception($"prospect-editor answered {(int)status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The problem's type (RFC 9457), when prospect-editor answered with problem details.</summary>
    public string? ProblemType { get; init; }

    /// <summary>What prospect-editor found wrong with the request, by member (a 400's "errors"); null when it named none.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    public bool Transient => Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
        or HttpStatusCode.GatewayTimeout or HttpStatusCode.InternalServerError;
}

/// <summary>The problem types prospect-editor answers with where a caller must tell one failure from another.</summary>
public static class ProspectEditorProblems
{
    /// <summary>No prospect has the id or e-mail address asked for; a 404 of any other type (a wrong URL) is not this.</summary>
    public const string ProspectNotFound = "https://sync.dev/problems/prospect-not-found";
}

internal static class ProspectEditorError
{
    private const int MaxDetailLength = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task ThrowUnlessSuccess(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw await Read(response, cancellationToken);
    }

    /// <summary>True when prospect-editor said that no such prospect exists; false on success; any other failure throws.</summary>
    public static async Task<bool> IsProspectNotFound(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return false;
        var error = await Read(response, cancellationToken);
        if (error is { Status: HttpStatusCode.NotFound, ProblemType: ProspectEditorProblems.ProspectNotFound })
            return true;
        throw error;
    }

    private static async Task<ProspectEditorException> Read(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = body.Length > MaxDetailLength ? body[..MaxDetailLength] : body;
        var problem = response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json" ? Problem(body) : null;
        return new ProspectEditorException(response.StatusCode, detail)
        {
            ProblemType = problem?.Type,
            Errors = problem?.Errors,
        };
    }

    private static ProblemBody? Problem(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<ProblemBody>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ProblemBody(string? Type, Dictionary<string, string[]>? Errors);
}

public static class ProspectEditorClientExtensions
{
    /// <summary>
    /// Registers <see cref="IProspectEditorClient"/>, pointed at Services:ProspectEditor:Url with the API key; once per process,
    /// so services hosted together (embedded) do not stack a second key header on the same client.
    /// </summary>
    public static IHostApplicationBuilder AddProspectEditorClient(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(IProspectEditorClient)))
            return builder;

        builder.Services.AddOptions<ProspectEditorClientOptions>().BindSettings(ProspectEditorClientOptions.Section)
            .Validate(options => options.HasValidUrl, $"{ProspectEditorClientOptions.Section}:Url must be an absolute http or https address, such as http://localhost:5102.")
            .ValidateOnStart();
        builder.Services.AddHttpClient<IProspectEditorClient, ProspectEditorClient>((services, http) =>
        {
            var options = services.GetRequiredService<IOptions<ProspectEditorClientOptions>>().Value;
            var apiKey = options.ApiKey ?? services.GetRequiredService<IOptions<ServiceDefaults.SyncOptions>>().Value.ApiKey;
            http.BaseAddress = new Uri(options.Url.ToString().TrimEnd('/') + "/");
            http.DefaultRequestHeaders.Add(ApiKeyFilter.Header, apiKey);
            http.Timeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
