using System.Net.Http.Json;

namespace Sync.Clients.ProspectEditor;

/// <summary>
/// <see cref="IProspectEditorClient"/> over prospect-editor's HTTP API. It asks the factory for a client on every call, so a
/// singleton holding it (the listener's feed follower, the worker) still gets handlers the factory rotates.
/// </summary>
internal sealed class ProspectEditorClient(IHttpClientFactory httpClients) : IProspectEditorClient
{
    public const string HttpClientName = "Sync.ProspectEditor";

    public async Task<ResolvedProspect> Resolve(ResolveProspectRequest request, CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync("prospects/resolve", request, cancellationToken);
        await ProspectEditorError.ThrowUnlessSuccess(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ResolvedProspect>(cancellationToken))!;
    }

    public async Task<ProspectDto?> Get(long prospectId, CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName).GetAsync($"prospects/{prospectId}", cancellationToken);
        if (await ProspectEditorError.IsProspectNotFound(response, cancellationToken))
            return null;
        return await response.Content.ReadFromJsonAsync<ProspectDto>(cancellationToken);
    }

    public async Task<ProspectDto?> FindByEmail(string email, CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName).GetAsync($"prospects?email={Uri.EscapeDataString(email)}", cancellationToken);
        if (await ProspectEditorError.IsProspectNotFound(response, cancellationToken))
            return null;
        return await response.Content.ReadFromJsonAsync<ProspectDto>(cancellationToken);
    }

    public async Task<ProspectLookupResult> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken)
    {
        // A read sent as a POST for its list of ids: safe to send again, so it is retried like a GET.
        using var request = new HttpRequestMessage(HttpMethod.Post, "prospects/lookup") { Content = JsonContent.Create(new ProspectLookupRequest(prospectIds)) };
        ProspectEditorRetries.MarkIdempotent(request);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        await ProspectEditorError.ThrowUnlessSuccess(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ProspectLookupResult>(cancellationToken))!;
    }

    public async Task<ProspectDto?> Unsubscribe(long prospectId, CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName).PostAsync($"prospects/{prospectId}/unsubscribe", content: null, cancellationToken);
        if (await ProspectEditorError.IsProspectNotFound(response, cancellationToken))
            return null;
        return await response.Content.ReadFromJsonAsync<ProspectDto>(cancellationToken);
    }

    public async Task<SyncWriteBackResult> ApplySyncWrites(IReadOnlyList<SyncWriteBack> writes, CancellationToken cancellationToken)
    {
        using var response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync("prospects/sync-writes", new SyncWriteBackRequest(writes), cancellationToken);
        await ProspectEditorError.ThrowUnlessSuccess(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<SyncWriteBackResult>(cancellationToken))!;
    }
}
