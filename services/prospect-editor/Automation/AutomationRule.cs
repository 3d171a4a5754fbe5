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
