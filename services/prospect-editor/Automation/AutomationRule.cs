using System.Globalization;
using System.Text.Json.Serialization;
using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Automation;

/// <summary>
/// An automation rule: criteria over prospect fields, all or any of which must hold, and the actions applied to every
/// prospect that matches. A rule's changes are prospect changes like any other (origin AutomationRule), so they sync.
/// </summary>
public sealed record AutomationRule
{
    public long Id { get; init; }

    public required string Name { get; init; }

    public required RuleMatch Match { get; init; }

    public required IReadOnlyList<RuleCriterion> Criteria { get; init; }

    public required IReadOnlyList<RuleAction> Actions { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool Matches(Prospect prospect) => Match == RuleMatch.All
        ? Criteria.All(criterion => criterion.Holds(prospect))
        : Criteria.Any(criterion => criterion.Holds(prospect));

    /// <summary>The rule's actions on <paramref name="prospect"/> as one change, or null when it does not match or nothing would change.</summary>
    public ProspectEdit? Apply(Prospect prospect)
    {
        if (!Matches(prospect))
            return null;
        var steps = new List<ProspectEdit?>();
        var current = prospect;
        foreach (var action in Actions)
        {
            var step = action.Apply(current);
            steps.Add(step);
            current = step?.Updated ?? current;
        }
        return ProspectEdits.Combine(prospect, steps);
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<RuleMatch>))]
public enum RuleMatch
{
    All,
    Any,
}

[JsonConverter(typeof(JsonStringEnumConverter<CriterionOperator>))]
public enum CriterionOperator
{
    Equals,
    Contains,
    GreaterThan,
    IsEmpty,
}

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

[JsonConverter(typeof(JsonStringEnumConverter<RuleActionType>))]
public enum RuleActionType
{
    SetField,
    AssignUser,
    AddToCrmCampaign,
    SetDoNotSync,
}

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
