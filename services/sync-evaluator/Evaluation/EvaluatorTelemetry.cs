using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Storage;

namespace Sync.SyncEvaluator.Evaluation;

/// <summary>
/// What operators see of each decision: a span (prospect id, rule, outcome; never an e-mail address), a counter of
/// decisions by rule and outcome, and a log line.
/// </summary>
public sealed partial class EvaluatorTelemetry
{
    public static readonly ActivitySource Source = new(Extensions.Extensions.ActivitySourceName);

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _published;
    private readonly ILogger<EvaluatorTelemetry> _logger;

    public EvaluatorTelemetry(IMeterFactory meters, ILogger<EvaluatorTelemetry> logger)
    {
        var meter = meters.Create(Extensions.Extensions.ActivitySourceName);
        _decisions = meter.CreateCounter<long>("sync.evaluator.decisions", "{decision}",
            "Sync decisions by rule and outcome (Duplicate: a redelivered event, applied before)");
        _published = meter.CreateCounter<long>("sync.evaluator.sync_requests_published", "{message}",
            "SyncRequested confirmed by the broker, by issue (1 the first time, more after a publish not confirmed in time or a lease that ran out)");
        _logger = logger;
    }

    /// <summary>Records one step as a span that started with the call to the store and ends now.</summary>
    public void Decided(SyncChange change, SyncStep step, DateTimeOffset startedAt)
    {
        var outcome = step.Applied ? step.Decision?.Outcome.ToString() ?? "None" : "Duplicate";
        var rule = step.Decision?.Rule ?? change.Rule.Name;
        _decisions.Add(1, new KeyValuePair<string, object?>("sync.rule", rule), new KeyValuePair<string, object?>("sync.outcome", outcome));
        using (var span = Source.StartActivity("sync decision", System.Diagnostics.ActivityKind.Internal, Activity.Current?.Context ?? default, startTime: startedAt))
        {
            if (span is not null)
            {
                span.SetTag("sync.prospect_id", change.ProspectId);
                span.SetTag("sync.event_type", change.EventType);
                span.SetTag("sync.event_id", change.EventId.ToString());
                span.SetTag("sync.rule", rule);
                span.SetTag("sync.outcome", outcome);
                if (step.Decision is { } decision)
                {
                    span.SetTag("sync.version", decision.Version);
                    if (decision.SyncId is { } syncId)
                        span.SetTag("sync.sync_id", syncId.ToString());
                    if (decision.DateClamped)
                        span.SetTag("sync.date_clamped", true);
                }
            }
        }

        if (step.Applied)
            LogDecision(change.ProspectId, rule, outcome, change.EventId);
        else
            LogDuplicate(change.ProspectId, change.EventType, change.EventId);
    }

    /// <summary>Records a step that issued the outstanding sync again: the relay's, or an event's that found its time run out.</summary>
    public void Reissued(SyncStep step)
    {
        if (step.Reissue is not { } decision)
            return;
        _decisions.Add(1, new KeyValuePair<string, object?>("sync.rule", decision.Rule),
            new KeyValuePair<string, object?>("sync.outcome", decision.Outcome.ToString()));
        using var span = Source.StartActivity("sync reissue");
        span?.SetTag("sync.prospect_id", step.ProspectId);
        span?.SetTag("sync.rule", decision.Rule);
        span?.SetTag("sync.outcome", decision.Outcome.ToString());
        span?.SetTag("sync.sync_id", decision.SyncId?.ToString());
        span?.SetTag("sync.issue", decision.Issue);
        if (decision.Outcome == DecisionOutcome.PublishRetried)
            LogPublishRetried(step.ProspectId, decision.SyncId, decision.Issue);
        else
            LogLeaseRanOut(step.ProspectId, decision.SyncId, decision.Issue);
    }

    public void Published(SyncRequested request) =>
        _published.Add(1, new KeyValuePair<string, object?>("sync.issue", request.Issue));

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Prospect {ProspectId}: {Rule} → {Outcome} (event {EventId})")]
    private partial void LogDecision(long prospectId, string rule, string outcome, Guid eventId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Prospect {ProspectId}: {EventType} {EventId} was applied before; nothing changed")]
    private partial void LogDuplicate(long prospectId, string eventType, Guid eventId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Prospect {ProspectId}: sync {SyncId} was not completed within its lease; issued again (issue {Issue})")]
    private partial void LogLeaseRanOut(long prospectId, Guid? syncId, int? issue);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Prospect {ProspectId}: the publish of sync {SyncId} was not confirmed within the publish grace; published again (issue {Issue})")]
    private partial void LogPublishRetried(long prospectId, Guid? syncId, int? issue);
}
