using Sync.Contracts;

namespace Sync.CrmSimulator.Schema;

/// <summary>One field of an object, as the describe resource tells it: type, whether a caller may set it, and how.</summary>
public sealed record FieldDescribe(string Name, FieldKind Kind)
{
    public int MaxLength { get; init; }

    public bool Createable { get; init; } = true;

    public bool Updateable { get; init; } = true;

    /// <summary>Must be given when a record is created (and may not be cleared later).</summary>
    public bool Required { get; init; }

    /// <summary>Computed when read, never stored: changing its inputs never moves LastModifiedDate.</summary>
    public bool Calculated { get; init; }

    /// <summary>The objects a reference may point at; "User" for owners.</summary>
    public IReadOnlyList<string> ReferenceTo { get; init; } = [];

    /// <summary>Kept in a lookup index, so queries on it do not scan the object.</summary>
    public bool Indexed { get; init; }

    public string? DefaultValue { get; init; }

    public bool Custom => Name.EndsWith("__c", StringComparison.Ordinal);

    /// <summary>Stored but maintained by the CRM alone (audit fields, conversion state).</summary>
    public bool System => !Createable && !Updateable && !Calculated;
}

/// <summary>An object of the simulated org: its key prefix and fields, in describe order.</summary>
public sealed class SObjectDescribe
{
    private readonly Dictionary<string, FieldDescribe> _fields;

    public SObjectDescribe(string name, string keyPrefix, CrmObjectType? changeFeedType, IEnumerable<FieldDescribe> fields)
    {
        Name = name;
        KeyPrefix = keyPrefix;
        ChangeFeedType = changeFeedType;
        Fields = [.. SObjectSchema.AuditFields.Take(1), .. fields, .. SObjectSchema.AuditFields.Skip(1)];
        _fields = Fields.ToDictionary(field => field.Name, StringComparer.OrdinalIgnoreCase);
    }

    public string Name { get; }

    public string KeyPrefix { get; }

    /// <summary>The change feed's type for this object; null for objects the feed does not carry (Campaign, CampaignMember).</summary>
    public CrmObjectType? ChangeFeedType { get; }

    public IReadOnlyList<FieldDescribe> Fields { get; }

    public IEnumerable<FieldDescribe> StoredFields => Fields.Where(candidate => !candidate.Calculated);

    public IEnumerable<string> IndexedFields => Fields.Where(candidate => candidate.Indexed).Select(candidate => candidate.Name);

    public bool HasOwner => _fields.ContainsKey(SObjectSchema.OwnerId);

    /// <summary>The field by its API name in any letter case, as Salesforce accepts them.</summary>
    public FieldDescribe? Field(string name) => _fields.GetValueOrDefault(name);

    public override string ToString() => Name;
}
