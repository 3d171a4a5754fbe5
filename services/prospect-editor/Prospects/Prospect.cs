using Sync.Clients.ProspectEditor;
using Sync.Contracts;

namespace Sync.ProspectEditor.Prospects;

/// <summary>A prospect as prospect-editor stores it. Immutable: every change is a new value with the next revision.</summary>
public sealed record Prospect
{
    public required long Id { get; init; }

    /// <summary>Normalised (trimmed, lower-case); it identifies the prospect and does not change.</summary>
    public required string Email { get; init; }

    /// <summary>Standard and custom field values by canonical name; a cleared field is absent.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public string? AssignedUser { get; init; }

    public bool DoNotSync { get; init; }

    public bool OptedOut { get; init; }

    public IReadOnlyList<string> CrmCampaigns { get; init; } = [];

    public string? CrmRecordId { get; init; }

    public CrmObjectType? CrmObjectType { get; init; }

    public bool CrmDeleted { get; init; }

    public required long Revision { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public ProspectDto ToDto() => new()
    {
        Id = Id,
        Email = Email,
        Fields = Fields.ToDictionary(field => field.Key, field => (string?)field.Value, StringComparer.Ordinal),
        AssignedUser = AssignedUser,
        DoNotSync = DoNotSync,
        OptedOut = OptedOut,
        CrmCampaigns = CrmCampaigns,
        CrmRecordId = CrmRecordId,
        CrmObjectType = CrmObjectType,
        CrmDeleted = CrmDeleted,
        Revision = Revision,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };
}

/// <summary>Who or what asks for a change; carried into the <see cref="ProspectChanged"/> it publishes.</summary>
public sealed record ChangeAttribution(ChangeOrigin Origin, string? ChangedBy = null, Guid? SyncId = null);

/// <summary>What one edit did to a prospect: the new value, the kind of change and the names of the members that changed.</summary>
public sealed record ProspectEdit(Prospect Updated, ProspectChangeKind Kind, IReadOnlyList<string> ChangedFields);
