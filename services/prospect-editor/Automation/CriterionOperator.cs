using System.Text.Json.Serialization;

namespace Sync.ProspectEditor.Automation;

[JsonConverter(typeof(JsonStringEnumConverter<CriterionOperator>))]
public enum CriterionOperator
{
    Equals,
    Contains,
    GreaterThan,
    IsEmpty,
}
