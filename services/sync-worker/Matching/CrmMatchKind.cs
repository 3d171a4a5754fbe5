namespace Sync.SyncWorker.Matching;

/// <summary>How a prospect found (or did not find) its CRM record.</summary>
public enum CrmMatchKind
{
    /// <summary>The CRM record the prospect is already synced with.</summary>
    ById,

    /// <summary>The prospect's Lead was converted in the CRM: its Contact.</summary>
    ConvertedLead,

    /// <summary>No record known yet: a Contact, or else a Lead, with the prospect's e-mail address.</summary>
    ByEmail,

    /// <summary>Nothing matches: a new Lead.</summary>
    NewLead,

    /// <summary>The prospect's CRM record was deleted in the CRM.</summary>
    Deleted,
}
