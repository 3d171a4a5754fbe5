using Sync.Contracts;

namespace Sync.Clients.ProspectEditor;

/// <summary>A prospect as prospect-editor, its one writer, serves it.</summary>
public sealed record ProspectDto
{
    public required long Id { get; init; }

    public required string Email { get; init; }

    /// <summary>Standard and custom fields by name (firstName, lastName, company, title, phone, city, country, and custom ones).</summary>
    public IReadOnlyDictionary<string, string?> Fields { get; init; } = new Dictionary<string, string?>();

    public string? AssignedUser { get; init; }

    public bool DoNotSync { get; init; }

    /// <summary>True once the prospect unsubscribed.</summary>
    public bool OptedOut { get; init; }

    public IReadOnlyList<string> CrmCampaigns { get; init; } = [];

    /// <summary>The CRM record this prospect is synced with, once a sync has matched or created one.</summary>
    public string? CrmRecordId { get; init; }

    public CrmObjectType? CrmObjectType { get; init; }

    /// <summary>Set when a sync found the CRM record deleted; such a prospect is not re-created in the CRM.</summary>
    public bool CrmDeleted { get; init; }

    /// <summary>Increases by one with every change; "updated at" for machines.</summary>
    public required long Revision { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Find the prospect with this e-mail address, or create it: one normalised address is always one prospect.</summary>
public sealed record ResolveProspectRequest
{
    public required string Email { get; init; }

    /// <summary>Fields to set on a prospect this call creates, and to fill where an existing prospect has none.</summary>
    public IReadOnlyDictionary<string, string?> Fields { get; init; } = new Dictionary<string, string?>();

    /// <summary>Who asks: a form submission, a form handler, the API.</summary>
    public ChangeOrigin Origin { get; init; } = ChangeOrigin.Api;

    /// <summary>
    /// Drop fields no prospect field is named after (a web form's submit button, a honeypot) instead of refusing the request:
    /// what a form handler wants.
    /// </summary>
    public bool IgnoreUnknownFields { get; init; }
}

public sealed record ResolvedProspect(ProspectDto Prospect, bool Created);

public sealed record ProspectLookupRequest(IReadOnlyList<long> Ids);

public sealed record ProspectLookupResult(IReadOnlyList<ProspectDto> Prospects, IReadOnlyList<long> Missing);

/// <summary>
/// What a sync writes back into a prospect: the CRM's values and the CRM record it matched. prospect-editor applies it with
/// origin Sync, so the evaluator does not count it as a new change.
/// </summary>
public sealed record SyncWriteBack
{
    public required long ProspectId { get; init; }

    public required Guid SyncId { get; init; }

    public IReadOnlyDictionary<string, string?> Fields { get; init; } = new Dictionary<string, string?>();

    public string? AssignedUser { get; init; }

    /// <summary>
    /// The values the sync read of the fields it writes back (the assigned user under "assignedUser"). A field whose value
    /// someone changed since is left as it is: their edit is the newer, and its own change queues the next sync, which
    /// merges it. A field not named here is written regardless.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? ReadValues { get; init; }

    public string? CrmRecordId { get; init; }

    public CrmObjectType? CrmObjectType { get; init; }

    public bool? CrmDeleted { get; init; }
}

public sealed record SyncWriteBackRequest(IReadOnlyList<SyncWriteBack> Writes);

public sealed record SyncWriteBackResult(IReadOnlyList<ProspectDto> Prospects, IReadOnlyList<long> Missing);
