using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Redaction;
using Sync.SyncWorker.Retry;

namespace Sync.SyncWorker.Batches;

/// <summary>
/// One prospect of a batch as it passes the stages: its requests, what was read of it, the record it matched, the merge,
/// the CRM write planned, and at last its result (or why it goes to retry).
/// </summary>
public sealed class ProspectSync(long prospectId, List<PendingSync> requests)
{
    public long ProspectId { get; } = prospectId;

    public List<PendingSync> Requests { get; } = requests;

    public ProspectDto? Prospect { get; set; }

    public CrmMatch? Match { get; set; }

    public FieldMerge? Merge { get; set; }

    public CrmRecord? Create { get; set; }

    public CrmRecord? Update { get; set; }

    public ProspectResult? Result { get; set; }

    /// <summary>Why the prospect failed, its message already without e-mail addresses: it is stored, logged and published.</summary>
    public CrmError? Error { get; private set; }

    /// <summary>The CRM could not write this record now for a reason a retry mends: it is synced again later, not failed.</summary>
    public CrmError? RetryReason { get; private set; }

    /// <summary>The sync of the newest request: what the write-back and the sync-error list name.</summary>
    public Guid LatestSyncId => Requests.MaxBy(pending => pending.Request.Version)!.Request.SyncId;

    /// <summary>The requests of a batch, one entry per prospect.</summary>
    public static List<ProspectSync> Group(IReadOnlyList<PendingSync> requests) =>
        requests.GroupBy(pending => pending.Request.ProspectId)
            .Select(group => new ProspectSync(group.Key, group.ToList()))
            .ToList();

    public void RetryLater(CrmError reason) => RetryReason = reason;

    public void Fail(CrmError error, string context)
    {
        Error = error with { Message = EmailRedaction.WithoutEmails(error.Message) };
        Result = new ProspectResult(SyncOutcome.Failed, Update?.Type ?? Match?.Record?.Type, Update?.Id ?? Match?.Record?.Id, null,
            $"{Error.ErrorCode}: {Error.Message} ({context})");
    }

    /// <summary>Both sides hold the prospect's values: the result names the record and every conflict the merge settled.</summary>
    public void Synced(CrmObjectType type, string recordId, DateTimeOffset? lastModified)
    {
        var detail = Match!.Kind == CrmMatchKind.NewLead ? $"created Lead {recordId}" : $"matched {Match.Description}";
        if (Merge?.Conflicts is { Count: > 0 } conflicts)
        {
            // The record dates settle every conflict of one prospect the same way.
            detail += $"; conflict: both sides changed {string.Join(", ", conflicts.Select(conflict => $"{conflict.ProspectField} ({conflict.CrmField})"))} " +
                $"since the last sync, and the {(conflicts[0].CrmKept ? "CRM record's values were kept (the record changed last)" : "prospect's values were kept (the prospect changed last)")}";
        }
        Result = new ProspectResult(SyncOutcome.Synced, type, recordId, lastModified, detail);
    }
}

/// <summary>How a prospect's sync ended, as its SyncCompleted reports it.</summary>
public sealed record ProspectResult(SyncOutcome Outcome, CrmObjectType? Type, string? RecordId, DateTimeOffset? LastModified, string Detail);
