using System.Net.Http.Json;

namespace Sync.Clients.ProspectEditor;

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
