using System.Text.Json.Serialization;

namespace Sync.Contracts;

/// <summary>
/// A prospect record changed on the marketing side: published by prospect-editor, the prospects' one writer,
/// in the same atomic step as the change (through its outbox).
/// </summary>
public sealed record ProspectChanged
{
    public required Guid EventId { get; init; }

    public required long ProspectId { get; init; }

    /// <summary>The prospect's new "updated at".</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    public required ProspectChangeKind Kind { get; init; }

    /// <summary>Who or what made the change. <see cref="ChangeOrigin.Sync"/> marks a sync's own write, which is never a new change.</summary>
    public required ChangeOrigin Origin { get; init; }

    /// <summary>The prospect's revision after this change; it orders changes without trusting clocks.</summary>
    public long Revision { get; init; }

    /// <summary>Names of the fields that changed, for the explanation; never their values.</summary>
    public IReadOnlyList<string> ChangedFields { get; init; } = [];

    /// <summary>The user, automation rule, import or program that made the change.</summary>
    public string? ChangedBy { get; init; }

    /// <summary>Set when <see cref="Origin"/> is <see cref="ChangeOrigin.Sync"/>: the sync that wrote it.</summary>
    public Guid? SyncId { get; init; }

    /// <summary>The prospect's Do Not Sync setting after this change.</summary>
    public bool DoNotSync { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ProspectChangeKind>))]
public enum ProspectChangeKind
{
    Created,
    FieldsUpdated,
    AssignedUserChanged,
    Unsubscribed,
    AddedToCrmCampaign,
    DoNotSyncSet,
    DoNotSyncCleared,
}

[JsonConverter(typeof(JsonStringEnumConverter<ChangeOrigin>))]
public enum ChangeOrigin
{
    User,
    Api,
    FormSubmission,
    FormCompletionAction,
    AutomationRule,
    EngagementProgram,
    Import,
    Sync,
}
