namespace Sync.ProspectEditor.Automation;

/// <summary>A rule run stopped part-way; <see cref="Run"/> counts what it did before.</summary>
public sealed class AutomationRuleRunFailedException(AutomationRuleRun run, Exception inner)
    : Exception($"Automation rule {run.RuleId} stopped after changing {run.Changed} prospects: {inner.Message}", inner)
{
    public AutomationRuleRun Run { get; } = run;
}
