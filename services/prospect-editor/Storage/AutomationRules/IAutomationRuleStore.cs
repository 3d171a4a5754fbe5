using Sync.ProspectEditor.Automation;

namespace Sync.ProspectEditor.Storage;

public interface IAutomationRuleStore
{
    /// <summary>Stores the rule under a newly allocated id and returns it with that id.</summary>
    Task<AutomationRule> Add(AutomationRule rule, CancellationToken cancellationToken);

    Task<AutomationRule?> Get(long ruleId, CancellationToken cancellationToken);

    Task<IReadOnlyList<AutomationRule>> All(CancellationToken cancellationToken);
}
