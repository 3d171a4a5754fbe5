using System.Text.Json;

namespace Sync.Embedded.Demo;

/// <summary>What marks a step's own event as decided: its event id, the rule it falls under, or nothing (it never reaches the evaluator).</summary>
internal sealed record Decided(string? EventId, string? Rule)
{
    public static Decided Nothing { get; } = new(null, null);

    public static Decided Event(JsonElement accepted) => new(accepted.GetProperty("eventId").GetString(), null);

    public static Decided ByRule(string rule) => new(null, rule);

    public bool IsIn(IEnumerable<Decision> decisions) =>
        (EventId is null && Rule is null) || decisions.Any(decision => decision.EventId == EventId || decision.Rule == Rule);
}

/// <summary>One of the sync-evaluator's decisions on the prospect, as its sync-status endpoint lists it.</summary>
internal sealed record Decision(string Key, string EventId, string Rule, string Outcome, string Explanation)
{
    public static Decision From(JsonElement decision) => new(
        $"{decision.GetProperty("eventId")}/{decision.GetProperty("rule")}/{decision.GetProperty("at")}",
        decision.GetProperty("eventId").GetString()!,
        decision.GetProperty("rule").GetString()!,
        decision.GetProperty("outcome").GetString()!,
        decision.GetProperty("explanation").GetString()!);
}
