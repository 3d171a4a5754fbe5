using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Options;

namespace Sync.SyncWorker.Writing;

/// <summary>
/// Writes the CRM's values and the matched record back into the prospects in one call, marked as the sync's own change,
/// naming what the batch read of each field so prospect-editor leaves a newer edit alone. A prospect whose values
/// prospect-editor refuses fails alone; the rest are written back.
/// </summary>
public sealed partial class ProspectWriteBack(IProspectEditorClient editor)
{
    /// <summary>The CRM's values and the matched record go back into the prospects, marked as this sync's own write.</summary>
    public async Task WriteBack(List<ProspectSync> prospects, CancellationToken cancellationToken)
    {
        var writes = new List<(ProspectSync Prospect, SyncWriteBack Write)>();
        foreach (var prospect in prospects.Where(prospect => prospect.Prospect is not null && prospect.Result is not null))
        {
            if (WriteOf(prospect) is { } write)
                writes.Add((prospect, write));
        }

        if (writes.Count == 0)
            return;
        try
        {
            await editor.ApplySyncWrites([.. writes.Select(entry => entry.Write)], cancellationToken);
        }
        catch (ProspectEditorException refused) when (refused.Status == HttpStatusCode.BadRequest && RefusedWrites(refused) is { Count: > 0 } refusals)
        {
            // prospect-editor refused some of the CRM's values (longer than a prospect field holds, say): those prospects
            // fail alone, and the rest of the batch is written back.
            foreach (var (index, members) in refusals)
            {
                if (index < writes.Count)
                    writes[index].Prospect.Fail(new CrmError("PROSPECT_WRITE_REFUSED",
                        $"prospect-editor refused the CRM's values: {string.Join("; ", members.Select(member => $"{member.Name}: {member.Reason}"))}",
                        [.. members.Select(member => member.Name)]), "writing the CRM's values back into the prospect");
            }
            var accepted = writes.Where((_, index) => !refusals.ContainsKey(index)).Select(entry => entry.Write).ToList();
            if (accepted.Count > 0)
                await editor.ApplySyncWrites(accepted, cancellationToken);
        }
    }

    /// <summary>What the sync writes back into one prospect; null when the prospect already holds it all.</summary>
    private static SyncWriteBack? WriteOf(ProspectSync prospect)
    {
        var snapshot = prospect.Prospect!;
        var result = prospect.Result!;
        var syncId = prospect.LatestSyncId;
        if (result.Outcome == SyncOutcome.CrmRecordDeleted && !snapshot.CrmDeleted)
            return new SyncWriteBack { ProspectId = snapshot.Id, SyncId = syncId, CrmDeleted = true };
        if (result.Outcome != SyncOutcome.Synced)
            return null;

        var fields = prospect.Merge?.ProspectChanges ?? new Dictionary<string, string>();
        var assignedUser = prospect.Merge?.AssignedUser;
        var recordChanged = !string.Equals(snapshot.CrmRecordId, result.RecordId, StringComparison.Ordinal) || snapshot.CrmObjectType != result.Type;
        if (fields.Count == 0 && assignedUser is null && !recordChanged)
            return null;
        return new SyncWriteBack
        {
            ProspectId = snapshot.Id,
            SyncId = syncId,
            Fields = fields.ToDictionary(entry => entry.Key, entry => (string?)entry.Value),
            AssignedUser = assignedUser,
            ReadValues = ReadValues(snapshot, fields.Keys, assignedUser is not null),
            CrmRecordId = recordChanged ? result.RecordId : null,
            CrmObjectType = recordChanged ? result.Type : null,
        };
    }

    /// <summary>The writes a 400 from prospect-editor names ("writes[3].fields.Company"), each with its refused members.</summary>
    private static Dictionary<int, List<(string Name, string Reason)>> RefusedWrites(ProspectEditorException refused)
    {
        var byWrite = new Dictionary<int, List<(string Name, string Reason)>>();
        foreach (var (member, reasons) in refused.Errors ?? new Dictionary<string, string[]>())
        {
            if (RefusedWriteMember().Match(member) is not { Success: true } match)
                return [];
            var index = int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture);
            byWrite.TryAdd(index, []);
            byWrite[index].Add((match.Groups["member"].Value, string.Join(" ", reasons)));
        }
        return byWrite;
    }

    [GeneratedRegex(@"^writes\[(?<index>\d+)\]\.(?:fields\.)?(?<member>.+)$")]
    private static partial Regex RefusedWriteMember();

    /// <summary>What this batch read of the fields it writes back, so prospect-editor leaves alone any that changed since.</summary>
    private static Dictionary<string, string?> ReadValues(ProspectDto snapshot, IEnumerable<string> fields, bool writesAssignedUser)
    {
        var read = fields.ToDictionary(field => field, field => snapshot.Fields.GetValueOrDefault(field), StringComparer.Ordinal);
        if (writesAssignedUser)
            read[FieldMappingOptions.AssignedUser] = snapshot.AssignedUser;
        return read;
    }
}
