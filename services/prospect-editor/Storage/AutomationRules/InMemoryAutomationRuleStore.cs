using System.Collections.Concurrent;
using Sync.ProspectEditor.Automation;

namespace Sync.ProspectEditor.Storage;

public sealed class InMemoryAutomationRuleStore : IAutomationRuleStore
{
    private readonly ConcurrentDictionary<long, AutomationRule> _rules = new();
    private long _nextId;

    public Task<AutomationRule> Add(AutomationRule rule, CancellationToken cancellationToken)
    {
        var stored = rule with { Id = Interlocked.Increment(ref _nextId) };
        _rules[stored.Id] = stored;
        return Task.FromResult(stored);
    }

    public Task<AutomationRule?> Get(long ruleId, CancellationToken cancellationToken) => Task.FromResult(_rules.GetValueOrDefault(ruleId));

    public Task<IReadOnlyList<AutomationRule>> All(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AutomationRule>>(_rules.Values.OrderBy(rule => rule.Id).ToList());
}
