
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Soql;

/// <summary>A parsed query of the SOQL subset this CRM answers.</summary>
public sealed record SoqlQuery(
    SObjectDescribe Type,
    IReadOnlyList<FieldDescribe> Fields,
    IReadOnlyList<SoqlCondition> Conditions,
    SoqlOrder? OrderBy,
    int? Limit);

/// <summary>One condition of the WHERE clause; its values are already in <see cref="SoqlComparison"/>'s compared form (null for NULL).</summary>
public sealed record SoqlCondition(FieldDescribe Field, SoqlOperator Operator, IReadOnlyList<string?> Values)
{
    public bool Matches(string? value)
    {
        var compared = SoqlComparison.Form(Field, value);
        var found = Values.Any(candidate => candidate == compared);
        return Operator is SoqlOperator.Equal or SoqlOperator.In ? found : !found;
    }
}

public sealed record SoqlOrder(FieldDescribe Field, bool Descending, bool NullsLast);
