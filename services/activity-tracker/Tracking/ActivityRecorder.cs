using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;
using Sync.ActivityTracker.Observability;
using Sync.ActivityTracker.Storage;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;

namespace Sync.ActivityTracker.Tracking;

/// <summary>What a tracking endpoint answers: whether the activity was published (and so is safe), and the sync rule it falls under.</summary>
public sealed record ActivityAccepted(Guid? EventId, long? ProspectId, bool Published, string Rule, string Explanation, bool? ProspectCreated = null);

/// <summary>
/// Publishes a prospect's activity with publisher confirms, then notes it in the visitor's history. Nothing is answered
/// 2xx before the broker confirmed; a retry with the same Idempotency-Key publishes the same event id, which the
/// evaluator applies once.
/// </summary>
public sealed partial class ActivityRecorder(ConfirmedPublisher publisher, IVisitorStore visitors, ILogger<ActivityRecorder> logger)
{
    public async Task<ActivityAccepted> Publish(ProspectActivityRecorded activity, CancellationToken cancellationToken)
    {
        using var span = ActivityTrackerTelemetry.ActivitySource.StartActivity("record activity");
        span?.SetTag("sync.prospect.id", activity.ProspectId);
        span?.SetTag("sync.activity.kind", activity.Kind.ToString());
        var rule = ChangeClassifier.RuleFor(activity);
        await publisher.Publish(activity, cancellationToken);
        if (activity.VisitorId is { } visitorId)
        {
            try
            {
                await visitors.Record(visitorId, new VisitorActivity(activity.OccurredAt, activity.Kind.ToString(), activity.Url, activity.ProspectId, activity.EventId, rule.Name),
                    cancellationToken);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // The event is safe with the broker: a 503 now would have the caller send it again, as another event when
                // it has no Idempotency-Key. Only the visitor's history view misses this entry.
                LogHistoryNotKept(activity.Kind, activity.ProspectId, exception.GetType().Name);
            }
        }
        LogPublished(activity.Kind, activity.ProspectId, rule.Name);
        return new ActivityAccepted(activity.EventId, activity.ProspectId, Published: true, rule.Name, Explain(rule));
    }

    /// <summary>
    /// A page view that is no prospect's: by a visitor linked to none (<see cref="SyncRules.AnonymousPageView"/>), or by one who
    /// opted out of tracking (<see cref="SyncRules.OptedOutPageView"/>). Kept as visitor activity, never published, never a sync.
    /// </summary>
    public async Task<ActivityAccepted> KeepAnonymous(
        string visitorId, string url, DateTimeOffset occurredAt, CancellationToken cancellationToken, SyncRule? rule = null)
    {
        rule ??= SyncRules.AnonymousPageView;
        await visitors.Record(visitorId, new VisitorActivity(occurredAt, nameof(ActivityKind.PageView), url, null, null, rule.Name), cancellationToken);
        return new ActivityAccepted(null, null, Published: false, rule.Name, Explain(rule));
    }

    /// <summary>
    /// The event id of a request: its Idempotency-Key header hashed with the request's path (so one key reused on two
    /// endpoints names two events, never one dropped as the other's duplicate), or a new one.
    /// </summary>
    public static Guid EventIdFor(HttpRequest request)
    {
        var key = request.Headers["Idempotency-Key"].ToString().Trim();
        if (key.Length == 0)
            return Guid.NewGuid();
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Path}\n{key}"), hash);
        return new Guid(hash[..16]);
    }

    // Whether a sync follows is the evaluator's decision (Do Not Sync may hold it back); this names the rule's effect.
    private static string Explain(SyncRule rule) =>
        rule.QueuesSync ? $"{rule.Because}: queues a sync unless Do Not Sync is set" : $"{rule.Because}: no sync";

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "{Kind} of prospect {ProspectId} was published, but Redis did not keep it in the visitor's history ({ErrorType})")]
    private partial void LogHistoryNotKept(ActivityKind kind, long prospectId, string errorType);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "{Kind} of prospect {ProspectId} published ({Rule})")]
    private partial void LogPublished(ActivityKind kind, long prospectId, string rule);
}
