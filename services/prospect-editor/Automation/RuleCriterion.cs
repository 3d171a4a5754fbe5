using System.Globalization;
using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Automation;

/// <summary>One test of a prospect value; text compares case-insensitively, "greater than" compares numbers or dates.</summary>
public sealed record RuleCriterion(string Field, CriterionOperator Operator, string? Value)
{
    public bool Holds(Prospect prospect)
    {
        var actual = Field switch
        {
            ProspectFields.Email => prospect.Email,
            ProspectFields.AssignedUser => prospect.AssignedUser,
            _ => prospect.Fields.GetValueOrDefault(Field),
        };
        return Operator switch
        {
            CriterionOperator.IsEmpty => string.IsNullOrEmpty(actual),
            CriterionOperator.Equals => string.Equals(actual ?? "", Value ?? "", StringComparison.OrdinalIgnoreCase),
            CriterionOperator.Contains => actual is not null && actual.Contains(Value ?? "", StringComparison.OrdinalIgnoreCase),
            CriterionOperator.GreaterThan => GreaterThan(actual, Value),
            _ => false,
        };
    }

    public static bool IsComparable(string? value) => TryNumber(value, out _) || TryDate(value, out _);

    private static bool GreaterThan(string? actual, string? threshold)
    {
        if (TryNumber(threshold, out var limit))
            return TryNumber(actual, out var number) && number > limit;
        if (TryDate(threshold, out var after))
            return TryDate(actual, out var date) && date > after;
        return false;
    }

    private static bool TryNumber(string? value, out decimal number) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out number);

    private static bool TryDate(string? value, out DateTimeOffset date) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date);
}
