using Polly;
using Polly.Retry;
using Sync.CrmChangeListener.Configuration;
using Sync.CrmChangeListener.Extensions;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// How the follower retries a failed attempt: without end, each wait twice the last (from CrmFeed:FirstRetryDelay up to
/// CrmFeed:MaxRetryDelay) within ±20 %, so listeners that failed together do not ask again together. Polly counts the
/// failures in a row and waits on the <see cref="TimeProvider"/>; a successful attempt starts the count over.
/// </summary>
public static class FeedRetryPipeline
{
    public static ResiliencePipeline Build(CrmFeedOptions options, TimeProvider time, Action<Exception, int, TimeSpan> onRetry) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                // Everything but the listener stopping is retried: a timed-out call is a failure like any other.
                ShouldHandle = attempt => ValueTask.FromResult(
                    attempt.Outcome.Exception is { } exception && !(exception is OperationCanceledException && attempt.Context.CancellationToken.IsCancellationRequested)),
                DelayGenerator = attempt => ValueTask.FromResult<TimeSpan?>(Delay(options, failures: attempt.AttemptNumber + 1)),
                OnRetry = attempt =>
                {
                    onRetry(attempt.Outcome.Exception!, attempt.AttemptNumber + 1, attempt.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    /// <summary>The wait after <paramref name="failures"/> failed attempts in a row.</summary>
    public static TimeSpan Delay(CrmFeedOptions options, int failures)
    {
        var exponential = options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + Random.Shared.NextDouble() * 0.4));
    }
}
