using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.SyncWorker.Options;

namespace Sync.SyncWorker.Merging;

/// <summary>What a sync changes on each side of one prospect.</summary>
/// <param name="CrmChanges">CRM field → value to write on the record.</param>
/// <param name="ProspectChanges">Prospect field → value to write back into the prospect.</param>
/// <param name="AssignedUser">The assigned user to write back, when the CRM's owner wins.</param>
/// <param name="Agreed">Prospect field → the value both sides hold once the changes are written (null: blank on both): the next merge base.</param>
/// <param name="Conflicts">Fields both sides changed since the merge base, each to another value.</param>
public sealed record FieldMerge(
    IReadOnlyDictionary<string, string> CrmChanges,
    IReadOnlyDictionary<string, string> ProspectChanges,
    string? AssignedUser,
    IReadOnlyDictionary<string, string?> Agreed,
    IReadOnlyList<FieldConflict> Conflicts);

/// <summary>A field both sides changed since the last sync, each to another value: the side whose record changed last kept its value.</summary>
public sealed record FieldConflict(string ProspectField, string CrmField, bool CrmKept);

/// <summary>
/// Applies each mapped field's behaviour to a prospect and its CRM record. UseMostRecentlyUpdated is a three-way merge
/// against the merge base (the values both sides agreed on at the last sync): a field only one side changed since takes
/// that side's value; only a field both sides changed, each differently, goes to the side whose record changed last.
/// Without a base (a first sync), every field goes by the record dates. A blank never overwrites a value, in either
/// direction: a field blank on one side takes the other side's value, whatever the behaviour and the base, so clearing a
/// field on one side is not carried to the other. Only mapped fields the CRM lets a caller write are ever written.
/// The integration user, owner of the Leads the sync creates, counts as no owner: the sync's default is not an assignment.
/// </summary>
public sealed class FieldMerger(IReadOnlyList<FieldRule> rules, IReadOnlySet<string> placeholders, string integrationUserId)
{
    private const int UserIdKey = 15;

    /// <param name="record">The matched record, or null for a new Lead (every CRM value blank).</param>
    /// <param name="mergeBase">The values agreed with this very record at the last sync; null when there are none.</param>
    public FieldMerge Merge(ProspectDto prospect, CrmRecord? record, CrmObjectType type, IReadOnlyDictionary<string, string?>? mergeBase = null)
    {
        var crmChanges = new Dictionary<string, string>(StringComparer.Ordinal);
        var prospectChanges = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var agreed = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var conflicts = new List<FieldConflict>();
        string? assignedUser = null;

        foreach (var rule in rules)
        {
            if (rule.CrmField(type) is not { } crmField)
                continue;
            var marketing = MarketingValue(prospect, rule.ProspectField);
            var crm = CrmValue(record, rule.ProspectField, crmField);
            BaseValue? baseValue = mergeBase is not null && mergeBase.TryGetValue(rule.ProspectField, out var agreedBefore) ? new BaseValue(agreedBefore) : null;
            // A field the CRM computes only ever flows to the prospect.
            var (kept, conflict) = rule.Writes(crmField)
                ? Resolve(rule.Behavior, marketing, crm, baseValue, prospect.UpdatedAt, record?.LastModifiedDate)
                : (Kept: crm, Conflict: false);
            agreed[rule.ProspectField] = kept;
            if (conflict)
                conflicts.Add(new FieldConflict(rule.ProspectField, crmField, string.Equals(kept, crm, StringComparison.Ordinal)));
            if (kept is null)
                continue;

            if (!string.Equals(kept, crm, StringComparison.Ordinal))
                crmChanges[crmField] = kept;
            if (string.Equals(kept, marketing, StringComparison.Ordinal))
                continue;
            if (IsAssignedUser(rule.ProspectField))
                assignedUser = kept;
            else if (!string.Equals(rule.ProspectField, FieldMappingOptions.OptedOut, StringComparison.OrdinalIgnoreCase))
                prospectChanges[rule.ProspectField] = kept;
        }

        return new FieldMerge(crmChanges, prospectChanges, assignedUser, agreed, conflicts);
    }

    /// <summary>The value both sides hold after the sync (null when both are blank), by the record dates alone, as on a first sync.</summary>
    public static string? Resolve(SyncBehavior behavior, string? marketing, string? crm, DateTimeOffset prospectUpdatedAt, DateTimeOffset? crmModifiedAt) =>
        Resolve(behavior, marketing, crm, null, prospectUpdatedAt, crmModifiedAt).Kept;

    /// <summary>
    /// The value both sides hold after the sync (null when both are blank), and whether it settled a true conflict: both
    /// sides changed the field since <paramref name="mergeBase"/>, each to another value.
    /// </summary>
    /// <param name="mergeBase">The value agreed at the last sync; null when no base is known for the field.</param>
    public static (string? Kept, bool Conflict) Resolve(
        SyncBehavior behavior, string? marketing, string? crm, BaseValue? mergeBase, DateTimeOffset prospectUpdatedAt, DateTimeOffset? crmModifiedAt)
    {
        if (crm is null)
            return (marketing, false);
        if (marketing is null || string.Equals(marketing, crm, StringComparison.Ordinal))
            return (crm, false);
        switch (behavior)
        {
            case SyncBehavior.UseCrmValue:
                return (crm, false);
            case SyncBehavior.UseMarketingValue:
                return (marketing, false);
        }

        if (mergeBase is { } agreed)
        {
            if (string.Equals(marketing, agreed.Value, StringComparison.Ordinal))
                return (crm, false);
            if (string.Equals(crm, agreed.Value, StringComparison.Ordinal))
                return (marketing, false);
        }
        var mostRecent = crmModifiedAt is { } modified && prospectUpdatedAt > modified ? marketing : crm;
        return (mostRecent, mergeBase is not null);
    }

    /// <summary>
    /// A record refusal told in the prospect's terms where that helps an operator: a refused owner is the prospect's
    /// assigned user, named with the value the CRM refused.
    /// </summary>
    public CrmError Explain(CrmError error, CrmRecord written)
    {
        if (rules.FirstOrDefault(rule => IsAssignedUser(rule.ProspectField))?.CrmField(written.Type) is not { } ownerField
            || !error.Fields.Contains(ownerField, StringComparer.OrdinalIgnoreCase)
            || written[ownerField] is not { } owner)
        {
            return error;
        }
        return error with
        {
            Message = $"The CRM refused the prospect's assigned user \"{owner}\" as the {written.Type}'s {ownerField} ({error.Message}). " +
                "The assigned user must be the id of an active CRM user: correct or clear the prospect's assigned user, then retry.",
        };
    }

    private string? MarketingValue(ProspectDto prospect, string field)
    {
        if (IsAssignedUser(field))
            return Owner(prospect.AssignedUser);
        // Opting out travels to the CRM; not having opted out is no value to impose on it.
        if (string.Equals(field, FieldMappingOptions.OptedOut, StringComparison.OrdinalIgnoreCase))
            return prospect.OptedOut ? "true" : null;
        var found = prospect.Fields.FirstOrDefault(entry => string.Equals(entry.Key, field, StringComparison.OrdinalIgnoreCase));
        return Value(found.Value);
    }

    private string? CrmValue(CrmRecord? record, string prospectField, string crmField)
    {
        if (record?[crmField] is not { } value || placeholders.Contains(value.Trim()))
            return null;
        return IsAssignedUser(prospectField) ? Owner(value) : Value(value);
    }

    /// <summary>An owner, unless it is the integration user (by its 15-character id, so either form of the id matches).</summary>
    private string? Owner(string? userId) =>
        Value(userId) is { Length: UserIdKey or UserIdKey + 3 } id && integrationUserId.Length >= UserIdKey
            && id.AsSpan(0, UserIdKey).SequenceEqual(integrationUserId.AsSpan(0, UserIdKey))
            ? null
            : Value(userId);

    private static bool IsAssignedUser(string field) => string.Equals(field, FieldMappingOptions.AssignedUser, StringComparison.OrdinalIgnoreCase);

    private static string? Value(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A field's value in the merge base; its <see cref="Value"/> is null when the field was blank on both sides.</summary>
public readonly record struct BaseValue(string? Value);
