using System.Text.Json.Serialization;

namespace Sync.ProspectEditor.Automation;

[JsonConverter(typeof(JsonStringEnumConverter<RuleMatch>))]
public enum RuleMatch
{
    All,
    Any,
}
