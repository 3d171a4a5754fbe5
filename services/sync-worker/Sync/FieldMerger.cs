using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;

namespace Sync.SyncWorker.Sync;

/// <summary>What a sync changes on each side of one prospect.</summary>
/// <param name="CrmChanges">CRM field → value to write on the record.</param>
/// <param name="ProspectChanges">Prospect field → value to write back into the prospect.</param>
/// <param name="AssignedUser">The assigned user to write back, when the CRM's owner wins.</param>
public sealed record FieldMerge(
    IReadOnlyDictionary<string, string> CrmChanges,
    IReadOnlyDictionary<string, string> ProspectChanges,
    string? AssignedUser);

/// <summary>
/// Applies each mapped field's behaviour to a prospect and its CRM record. A blank never overwrites a value, in either
/// direction: a field blank on one side takes the other side's value, whatever the behaviour. Only mapped fields the CRM
/// lets a caller write are ever written, whatever else the record read from the CRM holds.
/// </summary>
public sealed class FieldMerger(IReadOnlyList<FieldRule> rules, IReadOnlySet<string> placeholders)
{
    /// <param name="record">The matched record, or null for a new Lead (every CRM value blank).</param>
    public FieldMerge Merge(ProspectDto prospect, CrmRecord? record, CrmObjectType type)
    {
        var crmChanges = new Dictionary<string, string>(StringComparer.Ordinal);
        var prospectChanges = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? assignedUser = null;

        foreach (var rule in rules)
        {
            if (rule.CrmField(type) is not { } crmField)
                continue;
            var marketing = MarketingValue(prospect, rule.ProspectField);
            var crm = CrmValue(record, crmField);
            // A field the CRM computes only ever flows to the prospect.
            var kept = rule.Writes(crmField) ? Resolve(rule.Behavior, marketing, crm, prospect.UpdatedAt, record?.LastModifiedDate) : crm;
            if (kept is null)
                continue;

            if (!string.Equals(kept, crm, StringComparison.Ordinal))
                crmChanges[crmField] = kept;
            if (string.Equals(kept, marketing, StringComparison.Ordinal))
                continue;
            if (string.Equals(rule.ProspectField, FieldMappingOptions.AssignedUser, StringComparison.OrdinalIgnoreCase))
                assignedUser = kept;
            else if (!string.Equals(rule.ProspectField, FieldMappingOptions.OptedOut, StringComparison.OrdinalIgnoreCase))
                prospectChanges[rule.ProspectField] = kept;
        }

        return new FieldMerge(crmChanges, prospectChanges, assignedUser);
    }

    /// <summary>The value both sides hold after the sync; null when both are blank.</summary>
    public static string? Resolve(SyncBehavior behavior, string? marketing, string? crm, DateTimeOffset prospectUpdatedAt, DateTimeOffset? crmModifiedAt)
    {
        if (crm is null)
            return marketing;
        if (marketing is null)
            return crm;
        return behavior switch
        {
            SyncBehavior.UseCrmValue => crm,
            SyncBehavior.UseMarketingValue => marketing,
            _ => crmModifiedAt is { } modified && prospectUpdatedAt > modified ? marketing : crm,
        };
    }

    private static string? MarketingValue(ProspectDto prospect, string field)
    {
        if (string.Equals(field, FieldMappingOptions.AssignedUser, StringComparison.OrdinalIgnoreCase))
            return Value(prospect.AssignedUser);
        // Opting out travels to the CRM; not having opted out is no value to impose on it.
        if (string.Equals(field, FieldMappingOptions.OptedOut, StringComparison.OrdinalIgnoreCase))
            return prospect.OptedOut ? "true" : null;
        var found = prospect.Fields.FirstOrDefault(entry => string.Equals(entry.Key, field, StringComparison.OrdinalIgnoreCase));
        return Value(found.Value);
    }

    private string? CrmValue(CrmRecord? record, string field) =>
        record?[field] is { } value && !placeholders.Contains(value.Trim()) ? Value(value) : null;

    private static string? Value(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
