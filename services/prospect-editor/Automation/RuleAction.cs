using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Automation;

/// <summary>One action: set <see cref="Field"/> to <see cref="Value"/>, assign the user <see cref="Value"/>, add to the CRM campaign <see cref="Value"/>, or set Do Not Sync.</summary>
public sealed record RuleAction(RuleActionType Type, string? Field = null, string? Value = null)
{
    public ProspectEdit? Apply(Prospect prospect) => Type switch
    {
        RuleActionType.SetField => ProspectEdits.SetFields(prospect, new Dictionary<string, string?>(StringComparer.Ordinal) { [Field!] = Value }),
        RuleActionType.AssignUser => ProspectEdits.AssignUser(prospect, Value),
        RuleActionType.AddToCrmCampaign => ProspectEdits.AddToCrmCampaign(prospect, Value!),
        RuleActionType.SetDoNotSync => ProspectEdits.SetDoNotSync(prospect, true),
        _ => null,
    };
}
