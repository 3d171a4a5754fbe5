namespace Sync.SyncWorker.Options;

/// <summary>One mapping as configured; every member is optional and falls back to the default mapping of the field.</summary>
public sealed class FieldMap
{
    /// <summary>The CRM field, the same on Leads and Contacts.</summary>
    public string? Crm { get; set; }

    /// <summary>The Lead field where its name differs (Lead City, Contact MailingCity); empty: not synced on Leads.</summary>
    public string? Lead { get; set; }

    /// <summary>The Contact field where its name differs; empty: not synced on Contacts.</summary>
    public string? Contact { get; set; }

    public SyncBehavior? Behavior { get; set; }

    /// <summary>
    /// The CRM computes this field (a custom formula such as Score_Band__c): its value comes into the prospect and is never
    /// written. The fields in <see cref="FieldMappingOptions.MaintainedByCrm"/> are read-only without saying so.
    /// </summary>
    public bool? CrmReadOnly { get; set; }
}
