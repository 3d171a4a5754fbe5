using System.Globalization;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>The change feed's entry for a write, committed with it; none for objects the feed does not carry.</summary>
public static class FeedEntries
{
    /// <param name="fields">The record's fields after the change.</param>
    /// <param name="changedFields">The fields the change set, as the entry names them.</param>
    public static CrmChange? For(
        SObjectDescribe type, IReadOnlyDictionary<string, string?> fields, string changeType, IReadOnlyList<string> changedFields,
        CrmUser user, DateTimeOffset now, bool lastModifiedDateMoved)
    {
        if (type.ChangeFeedType is not { } feedType)
            return null;
        return new CrmChange
        {
            Position = 0,
            ObjectType = feedType,
            RecordId = fields[SObjectSchema.Id]!,
            ChangeType = changeType,
            ChangedFields = changedFields,
            CommitUser = user.Id,
            CommitTimestamp = now,
            LastModifiedDate = FieldValues.ParseDateTime(fields[SObjectSchema.LastModifiedDate]),
            LastModifiedDateMoved = lastModifiedDateMoved,
            Email = fields.GetValueOrDefault(SObjectSchema.Email),
            ProspectId = long.TryParse(fields.GetValueOrDefault(SObjectSchema.ProspectId), NumberStyles.None, CultureInfo.InvariantCulture, out var prospectId)
                && prospectId > 0 ? prospectId : null,
        };
    }

    /// <summary>The fields a created record was given, as its CREATE entry names them: those with a value, audit fields left out.</summary>
    public static List<string> GivenFields(IReadOnlyDictionary<string, string?> fields, SObjectDescribe type) =>
        [.. fields.Where(field => field.Value is not null && type.Field(field.Key) is { System: false, Kind: not FieldKind.Id }).Select(field => field.Key)];
}
