using Sync.Clients.ProspectEditor;
using Sync.Contracts;

namespace Sync.ProspectEditor.Prospects;

/// <summary>
/// The changes an operator, a form, a rule, an import or a sync can make to a prospect, as pure functions. Each returns
/// null when it would change nothing, so a write of the same values publishes nothing and keeps the revision.
/// </summary>
public static class ProspectEdits
{
    /// <summary>Sets fields to the given values; a null or empty value clears the field.</summary>
    public static ProspectEdit? SetFields(Prospect prospect, IReadOnlyDictionary<string, string?> values)
    {
        var fields = new Dictionary<string, string>(prospect.Fields, StringComparer.Ordinal);
        var changed = new List<string>();
        foreach (var (name, value) in values)
        {
            var current = fields.GetValueOrDefault(name);
            if (string.IsNullOrEmpty(value))
            {
                if (fields.Remove(name))
                    changed.Add(name);
            }
            else if (!string.Equals(current, value, StringComparison.Ordinal))
            {
                fields[name] = value;
                changed.Add(name);
            }
        }
        return changed.Count == 0 ? null : new ProspectEdit(prospect with { Fields = fields }, ProspectChangeKind.FieldsUpdated, changed);
    }

    /// <summary>Sets only the fields the prospect has no value for (what a form does to a prospect it already knows).</summary>
    public static ProspectEdit? FillBlanks(Prospect prospect, IReadOnlyDictionary<string, string?> values) =>
        SetFields(prospect, values.Where(value => !string.IsNullOrEmpty(value.Value) && !prospect.Fields.ContainsKey(value.Key))
            .ToDictionary(value => value.Key, value => value.Value, StringComparer.Ordinal));

    public static ProspectEdit? AssignUser(Prospect prospect, string? user)
    {
        user = string.IsNullOrWhiteSpace(user) ? null : user.Trim();
        return string.Equals(prospect.AssignedUser, user, StringComparison.Ordinal)
            ? null
            : new ProspectEdit(prospect with { AssignedUser = user }, ProspectChangeKind.AssignedUserChanged, [ProspectFields.AssignedUser]);
    }

    public static ProspectEdit? AddToCrmCampaign(Prospect prospect, string campaignId) =>
        prospect.CrmCampaigns.Contains(campaignId, StringComparer.Ordinal)
            ? null
            : new ProspectEdit(prospect with { CrmCampaigns = [.. prospect.CrmCampaigns, campaignId] }, ProspectChangeKind.AddedToCrmCampaign, ["crmCampaigns"]);

    public static ProspectEdit? SetDoNotSync(Prospect prospect, bool doNotSync) =>
        prospect.DoNotSync == doNotSync
            ? null
            : new ProspectEdit(prospect with { DoNotSync = doNotSync },
                doNotSync ? ProspectChangeKind.DoNotSyncSet : ProspectChangeKind.DoNotSyncCleared, ["doNotSync"]);

    public static ProspectEdit? Unsubscribe(Prospect prospect) =>
        prospect.OptedOut ? null : new ProspectEdit(prospect with { OptedOut = true }, ProspectChangeKind.Unsubscribed, ["optedOut"]);

    /// <summary>
    /// What a sync writes back: the CRM's values and the record it matched. Fields the CRM sent empty are left as they are,
    /// and so are fields changed since the sync read them (<paramref name="readValues"/>): a sync never overwrites a newer edit.
    /// </summary>
    public static ProspectEdit? ApplySyncWrite(
        Prospect prospect, SyncWriteBack write, IReadOnlyDictionary<string, string?> fields, IReadOnlyDictionary<string, string?> readValues)
    {
        bool StillAsRead(string name, string? value) =>
            !readValues.TryGetValue(name, out var read) || string.Equals(read ?? "", value ?? "", StringComparison.Ordinal);

        var steps = new List<ProspectEdit?>();
        var current = prospect;
        ProspectEdit? Step(ProspectEdit? edit)
        {
            if (edit is not null)
            {
                steps.Add(edit);
                current = edit.Updated;
            }
            return edit;
        }

        Step(SetFields(current, fields.Where(field => !string.IsNullOrEmpty(field.Value) && StillAsRead(field.Key, prospect.Fields.GetValueOrDefault(field.Key)))
            .ToDictionary(field => field.Key, field => field.Value, StringComparer.Ordinal)));
        if (write.AssignedUser is not null && StillAsRead(ProspectFields.AssignedUser, prospect.AssignedUser))
            Step(AssignUser(current, write.AssignedUser));
        if (write.CrmRecordId is not null && write.CrmRecordId != current.CrmRecordId)
            Step(new ProspectEdit(current with { CrmRecordId = write.CrmRecordId }, ProspectChangeKind.FieldsUpdated, ["crmRecordId"]));
        if (write.CrmObjectType is { } type && type != current.CrmObjectType)
            Step(new ProspectEdit(current with { CrmObjectType = type }, ProspectChangeKind.FieldsUpdated, ["crmObjectType"]));
        if (write.CrmDeleted is { } deleted && deleted != current.CrmDeleted)
            Step(new ProspectEdit(current with { CrmDeleted = deleted }, ProspectChangeKind.FieldsUpdated, ["crmDeleted"]));
        return Combine(prospect, steps);
    }

    /// <summary>
    /// Several edits as one change (an automation rule's actions): one event whose kind is the one the sync rules weigh most,
    /// Do Not Sync first, since it decides whether anything syncs at all.
    /// </summary>
    public static ProspectEdit? Combine(Prospect original, IReadOnlyList<ProspectEdit?> steps)
    {
        var done = steps.OfType<ProspectEdit>().ToList();
        if (done.Count == 0)
            return null;
        var kind = done.Select(step => step.Kind).OrderBy(KindWeight).First();
        var changed = done.SelectMany(step => step.ChangedFields).Distinct(StringComparer.Ordinal).ToList();
        return new ProspectEdit(done[^1].Updated with { Revision = original.Revision }, kind, changed);
    }

    private static int KindWeight(ProspectChangeKind kind) => kind switch
    {
        ProspectChangeKind.DoNotSyncSet => 0,
        ProspectChangeKind.DoNotSyncCleared => 1,
        ProspectChangeKind.Unsubscribed => 2,
        ProspectChangeKind.AddedToCrmCampaign => 3,
        ProspectChangeKind.AssignedUserChanged => 4,
        _ => 5,
    };
}
