using Sync.Contracts;
using Sync.ProspectEditor.Observability;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;

namespace Sync.ProspectEditor.Automation;

/// <summary>What one run of a rule did.</summary>
public sealed record AutomationRuleRun(long RuleId, long ProspectsScanned, long Matched, long Changed, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

/// <summary>
/// Runs a rule over every prospect, page by page: each matching prospect gets the rule's actions as one write, with one
/// ProspectChanged (origin AutomationRule). The criteria are checked again on the value being written, so a prospect
/// changed meanwhile is judged as it is now.
/// </summary>
public sealed partial class AutomationRuleRunner(IProspectStore store, ProspectWriter writer, TimeProvider time, ILogger<AutomationRuleRunner> logger)
{
    private const int PageSize = 500;
    private const int Concurrency = 16;

    public async Task<AutomationRuleRun> Run(AutomationRule rule, CancellationToken cancellationToken)
    {
        using var activity = ProspectEditorTelemetry.ActivitySource.StartActivity("automation rule run");
        activity?.SetTag("sync.automation_rule.id", rule.Id);
        var startedAt = time.GetUtcNow();
        var by = new ChangeAttribution(ChangeOrigin.AutomationRule, $"automation rule {rule.Id} ({rule.Name})");
        long scanned = 0, matched = 0, changed = 0;
        try
        {
            var highest = await store.HighestId(cancellationToken);
            for (long first = 1; first <= highest; first += PageSize)
            {
                var ids = Enumerable.Range(0, (int)Math.Min(PageSize, highest - first + 1)).Select(offset => first + offset).ToList();
                var page = await store.GetMany(ids, cancellationToken);
                scanned += page.Count;
                var matching = page.Where(rule.Matches).ToList();
                matched += matching.Count;
                await Parallel.ForEachAsync(matching, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                    async (prospect, token) =>
                    {
                        if (await writer.Update(prospect, rule.Apply, by, token) is { Changed: true })
                            Interlocked.Increment(ref changed);
                    });
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogStopped(exception, rule.Id, changed);
            throw new AutomationRuleRunFailedException(new AutomationRuleRun(rule.Id, scanned, matched, changed, startedAt, time.GetUtcNow()), exception);
        }
        var run = new AutomationRuleRun(rule.Id, scanned, matched, changed, startedAt, time.GetUtcNow());
        LogRan(rule.Id, scanned, matched, changed);
        return run;
    }

    [LoggerMessage(EventId = 5251, Level = LogLevel.Information, Message = "Automation rule {RuleId} ran over {Scanned} prospects: {Matched} matched, {Changed} changed")]
    private partial void LogRan(long ruleId, long scanned, long matched, long changed);

    [LoggerMessage(EventId = 5252, Level = LogLevel.Error, Message = "Automation rule {RuleId} stopped part-way after changing {Changed} prospects")]
    private partial void LogStopped(Exception exception, long ruleId, long changed);
}
