using Microsoft.Extensions.Options;
using Sync.CrmChangeListener.Configuration;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmChangeListener.Extensions;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// Follows the CRM's change feed and publishes a <see cref="CrmRecordChanged"/> for each change to a Lead or Contact that a
/// person or another system made. A batch is read, its prospects found, its events published with the broker's confirms,
/// and only then is the cursor moved (<see cref="FeedBatchPublisher"/>): after a crash the batch is published again with
/// the same event ids (derived from the feed positions), which the evaluator deduplicates. On shutdown the batch in hand
/// is finished before the bus stops. A failure anywhere in a batch (the read, a prospect lookup, the publish, the save)
/// retries the batch from the saved position, waiting longer after each failure in a row until a batch is fully handled
/// (<see cref="FeedRetryPipeline"/>).
/// </summary>
public sealed partial class CrmFeedFollower(
    ICrmClient crm,
    FeedStartingPoint startingPoint,
    FeedBatchPublisher batches,
    FeedFailureLog failures,
    CrmFeedStatus status,
    IOptions<CrmFeedOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CrmFeedFollower> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly CancellationTokenSource _draining = new();
    private long? _position;

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
        var retry = FeedRetryPipeline.Build(options.Value, time, failures.Failed);
        while (!draining.IsCancellationRequested)
        {
            try
            {
                var caughtUp = await retry.ExecuteAsync(attempt => FollowOnce(stoppingToken, attempt), draining.Token);
                // Only a batch handled to its end is a success: a read that succeeds before a lookup or publish that
                // fails must not reset the back-off, or a failure late in the batch would be retried at the first delay forever.
                failures.Recovered();
                if (caughtUp)
                    await Task.Delay(options.Value.PollInterval, time, draining.Token);
            }
            catch (OperationCanceledException) when (draining.IsCancellationRequested)
            {
                break;
            }
        }
        status.Stopped();
        LogStopped(logger, _position);
    }

    /// <summary>Reads one page and handles it; true when the page was empty (the listener is at the feed's head).</summary>
    /// <param name="stoppingToken">Cancels the handling of a page: not the drain, since a batch begun is published and acknowledged before the listener stops.</param>
    /// <param name="cancellationToken">Cancels the read: the drain or the host stopping.</param>
    private async ValueTask<bool> FollowOnce(CancellationToken stoppingToken, CancellationToken cancellationToken)
    {
        _position ??= await startingPoint.Load(cancellationToken);
        CrmChangePage page;
        while (true)
        {
            try
            {
                page = await crm.ReadChanges(_position.Value, options.Value.BatchSize, cancellationToken);
                break;
            }
            catch (CrmFeedCursorExpiredException expired)
            {
                // Inside the retried attempt: a failure to save the new position is retried like any other.
                _position = await startingPoint.SkipExpired(expired, cancellationToken);
            }
            catch (CrmRequestException refused) when (refused.Errors.Any(error => error.ErrorCode == "INVALID_REPLAY_ID"))
            {
                // Salesforce's answer to a replay id its feed never had.
                throw CrmFeedUnreadableException.Reset(_position.Value, head: null);
            }
        }
        if (page.HeadPosition < _position.Value)
            throw CrmFeedUnreadableException.Reset(_position.Value, page.HeadPosition);
        status.Read(page.HeadPosition);
        if (page.Changes.Count == 0)
        {
            status.CaughtUp();
            return true;
        }
        _position = await batches.Handle(page.Changes, stoppingToken);
        return false;
    }

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Stopped following the CRM change feed at position {Position}")]
    private static partial void LogStopped(ILogger logger, long? position);
}
