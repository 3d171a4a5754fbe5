using System.Globalization;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Soql;

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
            FieldKind.Number => decimal.Parse(left, CultureInfo.InvariantCulture)
                .CompareTo(decimal.Parse(right, CultureInfo.InvariantCulture)),
            FieldKind.Id or FieldKind.Reference or FieldKind.Date or FieldKind.DateTime or FieldKind.Boolean => string.CompareOrdinal(left, right),
            _ => string.Compare(left, right, StringComparison.OrdinalIgnoreCase),
        };
    }
}
