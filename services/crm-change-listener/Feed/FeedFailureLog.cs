using System.Net;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.ServiceDefaults.Messaging;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// Records each failed attempt to follow the feed in the status and logs it without flooding: a new failure at Warning with
/// its exception, the same one again only at Debug, with a Warning summary once per <see cref="SummaryInterval"/>. A
/// library throttle would not do: it drops repeats, while this one turns them into a summary and keeps the Debug lines.
/// </summary>
public sealed partial class FeedFailureLog(CrmFeedStatus status, TimeProvider time, ILogger<CrmFeedFollower> logger)
{
    /// <summary>While the same failure repeats, how often the log says so again (it logs the first one in full).</summary>
    public static readonly TimeSpan SummaryInterval = TimeSpan.FromMinutes(1);

    private string? _failingWith;
    private int _failures;
    private DateTimeOffset _failingSince;
    private DateTimeOffset _failureLoggedAt;

    /// <summary>An attempt failed with <paramref name="exception"/>, the <paramref name="failures"/>th in a row; the next comes after <paramref name="delay"/>.</summary>
    public void Failed(Exception exception, int failures, TimeSpan delay)
    {
        var reason = Describe(exception);
        _failures = failures;
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
        else if (now - _failureLoggedAt >= SummaryInterval)
        {
            _failureLoggedAt = now;
            LogFeedStillFailing(logger, failures, _failingSince, reason, delay);
        }
        else
        {
            LogFeedFailureRepeated(logger, failures, reason, delay);
        }
    }

    /// <summary>A batch was fully handled (or nothing was left to handle): whatever failed before is over.</summary>
    public void Recovered()
    {
        if (_failures > 0)
            LogFeedRecovered(logger, _failures, _failingSince);
        _failures = 0;
        _failingWith = null;
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

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Following the CRM change feed failed ({Failures} in a row): {Reason} Retrying in {Delay}")]
    private static partial void LogFeedFailure(ILogger logger, Exception? exception, int failures, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "Following the CRM change feed failed again ({Failures} in a row): {Reason} Retrying in {Delay}")]
    private static partial void LogFeedFailureRepeated(ILogger logger, int failures, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Following the CRM change feed still fails ({Failures} in a row since {Since:u}): {Reason} Retrying in {Delay}")]
    private static partial void LogFeedStillFailing(ILogger logger, int failures, DateTimeOffset since, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Following the CRM change feed again after {Failures} failed attempts since {Since:u}")]
    private static partial void LogFeedRecovered(ILogger logger, int failures, DateTimeOffset since);
}
