using Sync.CrmSimulator.Crm;

namespace Sync.CrmSimulator.Soql;

/// <summary>A parsed query of the SOQL subset this CRM answers.</summary>
public sealed record SoqlQuery(
    SObjectDescribe Type,
    IReadOnlyList<FieldDescribe> Fields,
    IReadOnlyList<SoqlCondition> Conditions,
    SoqlOrder? OrderBy,
    int? Limit);

public enum SoqlOperator
{
    Equal,
    NotEqual,
    In,
    NotIn,
}

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

/// <summary>How SOQL compares values: text without regard to case, ids in their 18-character form, numbers by value.</summary>
public static class SoqlComparison
{
    public static string? Form(FieldDescribe field, string? value) => value is null
        ? null
        : field.Kind switch
        {
            FieldKind.Id or FieldKind.Reference or FieldKind.Boolean or FieldKind.Number or FieldKind.Date or FieldKind.DateTime => value,
            _ => FieldValues.IndexForm(value),
        };

    public static int Compare(FieldDescribe field, string? left, string? right)
    {
        if (left is null || right is null)
            return (left is null ? 0 : 1) - (right is null ? 0 : 1);
        return field.Kind switch
        {
            FieldKind.Number => decimal.Parse(left, System.Globalization.CultureInfo.InvariantCulture)
                .CompareTo(decimal.Parse(right, System.Globalization.CultureInfo.InvariantCulture)),
            FieldKind.Id or FieldKind.Reference or FieldKind.Date or FieldKind.DateTime or FieldKind.Boolean => string.CompareOrdinal(left, right),
            _ => string.Compare(left, right, StringComparison.OrdinalIgnoreCase),
        };
    }
}
