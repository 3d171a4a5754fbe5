using System.Text.Json.Serialization;

namespace Sync.ProspectEditor.Automation;

[JsonConverter(typeof(JsonStringEnumConverter<RuleActionType>))]
public enum RuleActionType
{
    SetField,
    AssignUser,
    AddToCrmCampaign,
    SetDoNotSync,
}
