using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Sync.Clients.Crm;
using Sync.Contracts;

namespace Sync.SyncWorker.Options;

/// <summary>
/// The "FieldMapping" configuration section: which prospect field syncs with which CRM field, and which side wins.
/// Entries given in configuration are laid over <see cref="Defaults"/> member by member, so
/// "FieldMapping:Fields:city:Behavior=UseCrmValue" changes one behaviour and keeps the field names.
/// </summary>
public sealed class FieldMappingOptions : IValidatableObject
{
    public const string Section = "FieldMapping";

    /// <summary>The prospect's assigned user, mapped like a field (to the record's OwnerId by default).</summary>
    public const string AssignedUser = "assignedUser";

    /// <summary>The prospect's e-mail opt-out: it only ever flows to the CRM, and only as an opt-out (an unsubscribe is never undone by a sync).</summary>
    public const string OptedOut = "optedOut";

    /// <summary>By prospect field name (as prospect-editor names them: firstName, city, a custom field's name, ...).</summary>
    public Dictionary<string, FieldMap> Fields { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The CRM requires LastName on a Lead: a new Lead for a prospect without one gets this.</summary>
    [Required]
    public string NewLeadLastName { get; set; } = "[not provided]";

    /// <summary>The CRM requires Company on a Lead: a new Lead for a prospect without one gets this.</summary>
    [Required]
    public string NewLeadCompany { get; set; } = "[not provided]";

    /// <summary>
    /// Fields the CRM keeps itself (audit, conversion, formula): the CRM refuses a write to one of them for the whole record
    /// (INVALID_FIELD_FOR_INSERT_UPDATE), so a mapping to one only brings its value into the prospect. A custom formula is
    /// marked with <see cref="FieldMap.CrmReadOnly"/>.
    /// </summary>
    public static IReadOnlySet<string> MaintainedByCrm { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Name", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
        "IsConverted", "ConvertedDate", "ConvertedContactId", "ConvertedAccountId", "ConvertedOpportunityId",
        "MasterRecordId", "LastActivityDate", "LastViewedDate", "LastReferencedDate",
    };

    /// <summary>Fields the sync itself maintains on every record it writes; no mapping may claim them.</summary>
    public static IReadOnlySet<string> MaintainedBySync { get; } =
        new HashSet<string>([CrmFields.Id, CrmFields.Email, CrmFields.ProspectId], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyDictionary<string, FieldMap> Defaults { get; } = new Dictionary<string, FieldMap>(StringComparer.OrdinalIgnoreCase)
    {
        ["firstName"] = new() { Crm = "FirstName" },
        ["lastName"] = new() { Crm = "LastName" },
        ["company"] = new() { Lead = "Company", Contact = "" },
        ["title"] = new() { Crm = "Title" },
        ["phone"] = new() { Crm = "Phone" },
        ["city"] = new() { Lead = "City", Contact = "MailingCity" },
        ["country"] = new() { Lead = "Country", Contact = "MailingCountry" },
        [AssignedUser] = new() { Crm = "OwnerId" },
        [OptedOut] = new() { Crm = "HasOptedOutOfEmail", Behavior = SyncBehavior.UseMarketingValue },
    };

    /// <summary>The defaults with the configured entries laid over them; a mapping whose CRM field is empty for an object type is not synced there.</summary>
    public IReadOnlyList<FieldRule> Rules() =>
        Defaults.Keys.Concat(Fields.Keys).Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(field =>
            {
                var fallback = Defaults.GetValueOrDefault(field) ?? new FieldMap();
                var configured = Fields.GetValueOrDefault(field) ?? new FieldMap();
                return new FieldRule(
                    field,
                    Lead: configured.Lead ?? configured.Crm ?? fallback.Lead ?? fallback.Crm,
                    Contact: configured.Contact ?? configured.Crm ?? fallback.Contact ?? fallback.Crm,
                    configured.Behavior ?? fallback.Behavior ?? SyncBehavior.UseMostRecentlyUpdated,
                    configured.CrmReadOnly ?? fallback.CrmReadOnly ?? false);
            })
            .ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (field, map) in Fields)
        {
            if (map.Behavior is { } behavior && !Enum.IsDefined(behavior))
                yield return new ValidationResult($"FieldMapping:Fields:{field}:Behavior must be one of {string.Join(", ", Enum.GetNames<SyncBehavior>())}.");
            if (map.Crm is null && map.Lead is null && map.Contact is null && map.Behavior is null && map.CrmReadOnly is null)
                yield return new ValidationResult($"FieldMapping:Fields:{field} names no CRM field (Crm, or Lead and Contact) and no behaviour.");
            foreach (var (member, crmField) in new[] { ("Crm", map.Crm), ("Lead", map.Lead), ("Contact", map.Contact) })
            {
                if (crmField is not null && MaintainedBySync.Contains(crmField))
                    yield return new ValidationResult($"FieldMapping:Fields:{field}:{member} names {crmField}, which the sync maintains itself on every record; map another field.");
            }
        }
    }
}

/// <summary>
/// A resolved mapping: the prospect field, its CRM field on each object type (null: not synced there), the behaviour, and
/// whether the CRM field is one the CRM computes.
/// </summary>
public sealed record FieldRule(string ProspectField, string? Lead, string? Contact, SyncBehavior Behavior, bool CrmReadOnly = false)
{
    public string? CrmField(CrmObjectType type) => (type == CrmObjectType.Contact ? Contact : Lead) is { Length: > 0 } name ? name : null;

    /// <summary>Whether a sync may write <paramref name="crmField"/>: never one the CRM computes or maintains itself.</summary>
    public bool Writes(string crmField) => !CrmReadOnly && !FieldMappingOptions.MaintainedByCrm.Contains(crmField);
}
