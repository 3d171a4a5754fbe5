using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;

namespace Sync.SyncWorker.Batches;

/// <summary>
/// Reads the batch's prospects from prospect-editor in one snapshot, and settles at once those not to sync: gone, Do Not
/// Sync, or whose CRM record was deleted in the CRM (never re-created).
/// </summary>
public sealed class ProspectSnapshots(IProspectEditorClient editor)
{
    private const string ProspectNotFound = "PROSPECT_NOT_FOUND";

    /// <summary>Reads every prospect of the batch; returns those still to sync.</summary>
    public async Task<List<ProspectSync>> Read(List<ProspectSync> prospects, CancellationToken cancellationToken)
    {
        var snapshot = await editor.GetMany(prospects.Select(prospect => prospect.ProspectId).ToList(), cancellationToken);
        var byId = snapshot.Prospects.ToDictionary(prospect => prospect.Id);
        foreach (var prospect in prospects)
        {
            prospect.Prospect = byId.GetValueOrDefault(prospect.ProspectId);
            if (prospect.Prospect is null)
                prospect.Fail(new CrmError(ProspectNotFound, "The prospect no longer exists in prospect-editor.", []), "the prospect no longer exists");
            else if (prospect.Prospect.DoNotSync)
                prospect.Result = new ProspectResult(SyncOutcome.SkippedDoNotSync, null, null, null,
                    "Do Not Sync was set when the worker came to write: nothing written");
            else if (prospect.Prospect.CrmDeleted)
                prospect.Result = new ProspectResult(SyncOutcome.CrmRecordDeleted, prospect.Prospect.CrmObjectType, prospect.Prospect.CrmRecordId, null,
                    "the prospect's CRM record was deleted in the CRM; it is not re-created");
        }
        return prospects.Where(prospect => prospect.Result is null).ToList();
    }
}
