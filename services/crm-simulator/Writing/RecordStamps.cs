using Sync.Clients.Crm;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;

namespace Sync.CrmSimulator.Writing;

/// <summary>The audit fields the CRM keeps itself: who created and last changed a record, and when.</summary>
public static class RecordStamps
{
    /// <summary>The stored fields of a new record: its id, audit fields and the given values that are not null.</summary>
    public static Dictionary<string, string?> ForNewRecord(
        SObjectDescribe type, string id, CrmUser user, DateTimeOffset now, IReadOnlyDictionary<string, string?> given)
    {
        var stamp = FieldValues.FormatDateTime(now);
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [SObjectSchema.Id] = id,
            [SObjectSchema.IsDeleted] = "false",
            [SObjectSchema.CreatedDate] = stamp,
            [SObjectSchema.CreatedById] = user.Id,
            [SObjectSchema.LastModifiedDate] = stamp,
            [SObjectSchema.LastModifiedById] = user.Id,
            [SObjectSchema.SystemModstamp] = stamp,
        };
        if (type == SObjectSchema.Lead)
            fields[CrmFields.IsConverted] = "false";
        foreach (var (name, value) in given)
        {
            if (value is not null)
                fields[name] = value;
        }
        return fields;
    }

    /// <summary>Moves LastModifiedDate (strictly forward, even within one millisecond) and records who changed the record.</summary>
    public static void Touch(Dictionary<string, string?> fields, StoredRecord before, CrmUser user, DateTimeOffset now)
    {
        var previous = FieldValues.ParseDateTime(before[SObjectSchema.LastModifiedDate]) ?? DateTimeOffset.MinValue;
        var moment = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        if (moment <= previous)
            moment = previous.AddMilliseconds(1);
        var stamp = FieldValues.FormatDateTime(moment);
        fields[SObjectSchema.LastModifiedDate] = stamp;
        fields[SObjectSchema.SystemModstamp] = stamp;
        fields[SObjectSchema.LastModifiedById] = user.Id;
    }
}
