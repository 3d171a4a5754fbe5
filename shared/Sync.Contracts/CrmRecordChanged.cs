using System.Text.Json.Serialization;

namespace Sync.Contracts;

/// <summary>
/// A record changed in the CRM, as its change feed reported it. Published by crm-change-listener for
/// Lead and Contact changes made by anyone but the sync's own integration user.
/// </summary>
public sealed record CrmRecordChanged
{
    public required Guid EventId { get; init; }

    public required long ProspectId { get; init; }

    /// <summary>When the CRM committed the change, by the CRM's clock.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public required CrmObjectType ObjectType { get; init; }

    public required string CrmRecordId { get; init; }

    public required CrmChangeKind Kind { get; init; }

    /// <summary>The record's LastModifiedDate after the change; null when the change did not move it.</summary>
    public DateTimeOffset? LastModifiedDate { get; init; }

    /// <summary>The CRM user who committed the change.</summary>
    public string? CommittedBy { get; init; }

    public IReadOnlyList<string> ChangedFields { get; init; } = [];

    /// <summary>The change's position in the CRM change feed (its replay id).</summary>
    public long? FeedPosition { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<CrmObjectType>))]
public enum CrmObjectType
{
    Lead,
    Contact,
    Account,
}

[JsonConverter(typeof(JsonStringEnumConverter<CrmChangeKind>))]
public enum CrmChangeKind
{
    Created,
    Updated,
    OwnerChanged,
    FormulaRecalculated,
    Deleted,
}
