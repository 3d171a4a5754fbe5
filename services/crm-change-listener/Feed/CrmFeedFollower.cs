using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.CrmChangeListener.Extensions;
using Sync.CrmChangeListener.Storage;
using Sync.ServiceDefaults.Messaging;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// Follows the CRM's change feed and publishes a <see cref="CrmRecordChanged"/> for each change to a Lead or Contact that a
/// person or another system made. A batch is read, its prospects found, its events published with the broker's confirms,
/// and only then is the cursor moved: after a crash the batch is published again with the same event ids (derived from
/// the feed positions), which the evaluator deduplicates. On shutdown the batch in hand is finished before the bus stops.
/// A failure anywhere in a batch (the read, a prospect lookup, the publish, the save) retries the batch from the saved
/// position, waiting longer after each failure in a row until a batch is fully handled.
/// </summary>
public sealed partial class CrmFeedFollower(
    ICrmClient crm,
    IProspectEditorClient prospects,
    ConfirmedPublisher publisher,
    ICrmFeedCursorStore cursor,
    CrmFeedStatus status,
    IOptions<CrmFeedOptions> options,
    IOptions<CrmClientOptions> crmOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CrmFeedFollower> logger) : BackgroundService, IHostedLifecycleService
{
    /// <summary>While the same failure repeats, how often the log says so again (it logs the first one in full).</summary>
    public static readonly TimeSpan FailureSummaryInterval = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _draining = new();
    private bool _firstRun;
    private string? _failingWith;
    private DateTimeOffset _failingSince;
    private DateTimeOffset _failureLoggedAt;

    private async Task WhenStarted(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before any hosted service stops, the bus included: the batch in hand is published and acknowledged first.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _draining.CancelAsync();
        if (ExecuteTask is { } running)
            await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _draining.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted with the CRM in one process (embedded), the CRM answers only once the host has started listening.
        await WhenStarted(stoppingToken);
        using var draining = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _draining.Token);
        var failures = 0;
        long? position = null;
        while (!draining.IsCancellationRequested)
        {
            try
            {
                position ??= await Start(draining.Token);
                CrmChangePage page;
                try
                {
                    page = await crm.ReadChanges(position.Value, options.Value.BatchSize, draining.Token);
                }
                catch (CrmFeedCursorExpiredException expired)
                {
                    // Inside the retried block: a failure to save the new position is retried like any other.
                    position = await SkipExpired(expired, draining.Token);
                    continue;
                }
                catch (CrmRequestException refused) when (refused.Errors.Any(error => error.ErrorCode == "INVALID_REPLAY_ID"))
                {
                    // Salesforce's answer to a replay id its feed never had.
                    throw CrmFeedUnreadableException.Reset(position.Value, head: null);
                }
                if (page.HeadPosition < position.Value)
                    throw CrmFeedUnreadableException.Reset(position.Value, page.HeadPosition);
                status.Read(page.HeadPosition);
                if (page.Changes.Count == 0)
                {
                    status.CaughtUp();
                    failures = Recovered(failures);
                    await Task.Delay(options.Value.PollInterval, draining.Token);
                    continue;
                }
                // Not cancelled by the drain: a batch begun is published and acknowledged before the listener stops.
                position = await Handle(page.Changes, stoppingToken);
                // Only a batch handled to its end is a success: a read that succeeds before a lookup or publish that
                // fails must not reset the back-off, or a failure late in the batch would be retried at the first delay forever.
                failures = Recovered(failures);
            }
            catch (OperationCanceledException) when (draining.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failures++;
                var delay = RetryDelay(failures);
                Report(exception, failures, delay);
                try
                {
                    await Task.Delay(delay, draining.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        status.Stopped();
        LogStopped(logger, position);
    }

    private async Task<long> Start(CancellationToken cancellationToken)
    {
        var saved = await cursor.Load(cancellationToken);
        _firstRun = saved is null;
        var position = saved ?? 0;
        status.Started(position);
        LogFollowing(logger, position, saved is null);
        return position;
    }

    private async Task<long> Handle(IReadOnlyList<CrmChange> changes, CancellationToken cancellationToken)
    {
        using var activity = Extensions.Extensions.ActivitySource.StartActivity("crm-feed batch");
        activity?.SetTag("crm.feed.from", changes[0].Position);
        activity?.SetTag("crm.feed.to", changes[^1].Position);

        var events = new List<CrmRecordChanged>();
        var skipped = new List<SkipReason>();
        var byEmail = new Dictionary<string, long?>(StringComparer.OrdinalIgnoreCase);
        foreach (var change in changes)
        {
            var decision = CrmChangeTranslator.Decide(change, options.Value.IntegrationUserId, crmOptions.Value.SyncedObjectTypes);
            if (decision.Kind is not { } kind)
            {
                skipped.Add(decision.Skip!.Value);
                continue;
            }
            if (await ProspectOf(change, byEmail, cancellationToken) is not { } prospectId)
            {
                skipped.Add(SkipReason.NoProspect);
                LogNoProspect(logger, change.Position, change.ObjectType, change.RecordId);
                continue;
            }
            events.Add(CrmChangeTranslator.ToEvent(change, kind, prospectId));
        }

        if (events.Count > 0)
            await publisher.PublishBatch(events, cancellationToken);
        var position = changes[^1].Position;
        await cursor.Save(position, cancellationToken);
        status.Advanced(position, events.Count, skipped);
        activity?.SetTag("crm.feed.published", events.Count);
        activity?.SetTag("crm.feed.skipped", skipped.Count);
        LogBatch(logger, changes.Count, changes[0].Position, position, events.Count);
        return position;
    }

    /// <summary>
    /// The record's prospect: its ProspectId__c, else the prospect with its e-mail address, as prospect-editor knows it.
    /// Null only when no prospect has it; prospect-editor failing to answer (a refused key, a wrong address, an outage)
    /// throws, so the change is retried rather than skipped for good.
    /// </summary>
    private async Task<long?> ProspectOf(CrmChange change, Dictionary<string, long?> byEmail, CancellationToken cancellationToken)
    {
        if (change.ProspectId is > 0)
            return change.ProspectId;
        if (string.IsNullOrWhiteSpace(change.Email))
            return null;
        if (!ProspectEmail.IsValid(change.Email))
        {
            // The CRM takes some addresses prospect-editor cannot hold (such as "a..b@"): no prospect has one, no need to ask.
            LogAddressNoProspectCanHold(logger, change.Position);
            return null;
        }
        if (byEmail.TryGetValue(change.Email, out var known))
            return known;
        long? found;
        try
        {
            found = (await prospects.FindByEmail(change.Email, cancellationToken))?.Id;
        }
        catch (ProspectEditorException exception) when (RefusesTheAddress(exception))
        {
            LogProspectLookupRefused(logger, change.Position);
            found = null;
        }
        byEmail[change.Email] = found;
        return found;
    }

    // prospect-editor refuses an address it could not hold with a 400 validation problem naming the "email" member; no
    // prospect has such an address. Any other refusal (a key it does not take, a path it does not serve) is a failure.
    private static bool RefusesTheAddress(ProspectEditorException exception) =>
        exception.Status == HttpStatusCode.BadRequest && exception.Message.Contains("\"email\"", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Records a failed attempt in the status and logs it without flooding: a new failure at Warning with its exception,
    /// the same one again only at Debug, with a Warning summary once per <see cref="FailureSummaryInterval"/>.
    /// </summary>
    private void Report(Exception exception, int failures, TimeSpan delay)
    {
        var reason = Describe(exception);
        status.Failed(reason, delay);
        var now = time.GetUtcNow();
        if (reason != _failingWith)
        {
            _failingWith = reason;
            _failingSince = now;
            _failureLoggedAt = now;
            // Not prospect-editor's exception: its message quotes the answer's body, and a server at a wrong address may
            // echo the request's URL, which holds the e-mail address looked up.
            LogFeedFailure(logger, exception is ProspectEditorException ? null : exception, failures, reason, delay);
        }
        else if (now - _failureLoggedAt >= FailureSummaryInterval)
        {
            _failureLoggedAt = now;
            LogFeedStillFailing(logger, failures, _failingSince, reason, delay);
        }
        else
        {
            LogFeedFailureRepeated(logger, failures, reason, delay);
        }
    }

    /// <summary>After a batch fully handled (or nothing left to handle): the back-off starts over.</summary>
    private int Recovered(int failures)
    {
        if (failures > 0)
            LogFeedRecovered(logger, failures, _failingSince);
        _failingWith = null;
        return 0;
    }

    private async Task<long> SkipExpired(CrmFeedCursorExpiredException expired, CancellationToken cancellationToken)
    {
        // Without the oldest position it keeps, the CRM gives nothing to resume from: asking again at once would spin, so
        // the failure waits out the back-off like any other.
        var resumeAfter = (expired.OldestRetainedPosition
            ?? throw new CrmFeedUnreadableException(
                $"The CRM change feed no longer keeps the changes after position {expired.RequestedPosition} and did not say which it keeps.")) - 1;
        if (_firstRun && expired.RequestedPosition == 0)
        {
            // A listener new to this CRM starts at the oldest change the feed still keeps; it never had the older ones.
            await cursor.Save(resumeAfter, cancellationToken);
            status.Started(resumeAfter);
            LogFollowing(logger, resumeAfter, firstRun: true);
            return resumeAfter;
        }
        var reason = $"The CRM change feed no longer keeps the changes after position {expired.RequestedPosition}; " +
            $"the changes up to {resumeAfter} were missed. Resumed after {resumeAfter}; a full reconciliation (an import) brings the prospects back in line.";
        await cursor.Save(resumeAfter, cancellationToken);
        status.Skipped(expired.RequestedPosition, resumeAfter, reason);
        LogFeedExpired(logger, expired.RequestedPosition, resumeAfter);
        return resumeAfter;
    }

    private TimeSpan RetryDelay(int failures)
    {
        var exponential = options.Value.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = Math.Min(exponential, options.Value.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    // Never a message that could quote a prospect's e-mail address.
    private static string Describe(Exception exception) => exception switch
    {
        ProspectEditorException { Status: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } editor =>
            $"prospect-editor answered {(int)editor.Status} while finding a prospect: it does not take the listener's API key (Services:ProspectEditor:ApiKey, else Sync:ApiKey).",
        ProspectEditorException { Status: HttpStatusCode.NotFound } =>
            "prospect-editor answered 404 while finding a prospect, for the lookup itself: check Services:ProspectEditor:Url.",
        ProspectEditorException editor => $"prospect-editor answered {(int)editor.Status} while finding a prospect.",
        CrmTransientException or CrmRequestException or CrmRequestLimitExceededException => $"CRM: {exception.Message}",
        BrokerUnavailableException or CrmFeedUnreadableException => exception.Message,
        StackExchange.Redis.RedisException => "Redis is unavailable; the feed position could not be read or saved.",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Following the CRM change feed after position {Position} (first run: {FirstRun})")]
    private static partial void LogFollowing(ILogger logger, long position, bool firstRun);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled {Count} CRM changes ({From}..{To}); published {Published}")]
    private static partial void LogBatch(ILogger logger, int count, long from, long to, int published);

    [LoggerMessage(Level = LogLevel.Information, Message = "CRM change {Position} to {ObjectType} {RecordId} skipped: no prospect has its prospect id or e-mail address")]
    private static partial void LogNoProspect(ILogger logger, long position, CrmObjectType objectType, string recordId);

    [LoggerMessage(Level = LogLevel.Information, Message = "prospect-editor refused the e-mail address of CRM change {Position} as not an address; no prospect has it")]
    private static partial void LogProspectLookupRefused(ILogger logger, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "The e-mail address of CRM change {Position} is not one a prospect can have; no prospect has it")]
    private static partial void LogAddressNoProspectCanHold(ILogger logger, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the CRM change feed failed ({Failures} in a row): {Reason} Retrying in {Delay}")]
    private static partial void LogFeedFailure(ILogger logger, Exception? exception, int failures, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Following the CRM change feed failed again ({Failures} in a row): {Reason} Retrying in {Delay}")]
    private static partial void LogFeedFailureRepeated(ILogger logger, int failures, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following the CRM change feed still fails ({Failures} in a row since {Since:u}): {Reason} Retrying in {Delay}")]
    private static partial void LogFeedStillFailing(ILogger logger, int failures, DateTimeOffset since, string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Following the CRM change feed again after {Failures} failed attempts since {Since:u}")]
    private static partial void LogFeedRecovered(ILogger logger, int failures, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Error, Message = "The CRM change feed no longer keeps the changes after position {Position}: changes up to {ResumedAfter} were missed")]
    private static partial void LogFeedExpired(ILogger logger, long position, long resumedAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped following the CRM change feed at position {Position}")]
    private static partial void LogStopped(ILogger logger, long? position);
}

/// <summary>The CRM's change feed cannot be followed from where this listener is; the listener waits and asks again.</summary>
public sealed class CrmFeedUnreadableException(string message) : Exception(message)
{
    /// <summary>
    /// The feed ends before the position this listener saved: it started over (a CRM restored, or a sandbox refreshed).
    /// Reading on would skip every change up to the old position without a word, so nothing is read until an operator acts.
    /// </summary>
    public static CrmFeedUnreadableException Reset(long position, long? head) => new(
        $"The CRM change feed ends {(head is { } at ? $"at position {at}, " : "")}before this listener's saved position {position}: the feed started over " +
        "(a CRM restored or refreshed). Nothing more is read until an operator deletes the saved position (the Redis key " +
        "{prefix}:crm-change-listener:feed-cursor) and restarts the listener, which then follows the new feed from its oldest change; " +
        "an import brings the prospects back in line with the CRM.");
}
