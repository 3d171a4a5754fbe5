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
