using MassTransit;
using Microsoft.Extensions.Options;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Storage.Allowance;

namespace Sync.SyncWorker.BatchForming;

/// <summary>
/// Makes batches of the requests the sync-worker queue delivers, under load and not at idle: a batch starts as soon as a
/// batch slot is free (<see cref="SyncWorkerOptions.ConcurrentBatches"/>) and the allowance grants its calls, and takes
/// every request waiting, those delivered and on their way to it, and those the queue already holds ready (the broker
/// delivers them at once), up to <see cref="SyncWorkerOptions.BatchSize"/>; it never waits for a request not yet queued.
/// So a lone request at idle goes at once, a burst fills whole batches, and while the pacing withholds calls (or every
/// slot is busy) requests accumulate into the next batch: at any arrival rate the calls stay within what the pacing allows.
/// When the allowance cannot pay for a batch soon, what is waiting goes back to the queue and consuming pauses. What it
/// decides on is <see cref="WaitingRequests"/>; how long a batch waits to fill, <see cref="BatchFill"/>.
/// Not MassTransit's <c>Batch&lt;T&gt;</c>: its batch closes on a timer (counted from the first or the last message,
/// <c>TimeLimitStart</c>), so a lone change waits that long, and a closed batch then waits for a free slot (its
/// <c>ConcurrencyLimit</c>) holding what it had: under pacing, many small batches would queue, each costing two calls.
/// </summary>
public sealed class SyncBatcher : IDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly CrmAllowance _allowance;
    private readonly BatchRescheduler _rescheduler;
    private readonly IOptions<SyncWorkerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SyncBatcher> _logger;
    private readonly WaitingRequests _waiting;
    private readonly BatchFill _fill;
    private readonly Lock _starting = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public SyncBatcher(
        IServiceScopeFactory scopes, CrmAllowance allowance, BatchRescheduler rescheduler, IWorkerQueueDepth queue,
        IOptions<SyncWorkerOptions> options, TimeProvider time, ILogger<SyncBatcher> logger)
    {
        (_scopes, _allowance, _rescheduler, _options, _time, _logger) = (scopes, allowance, rescheduler, options, time, logger);
        _waiting = new WaitingRequests(time);
        _fill = new BatchFill(_waiting, queue, options, time);
        Arrivals = new SyncRequestArrivals(_waiting);
    }

    /// <summary>Counts the requests the endpoint has received and not yet handed over, so a batch does not leave without them.</summary>
    public IReceiveObserver Arrivals { get; }

    private SyncWorkerOptions Settings => _options.Value;

    /// <summary>
    /// Consuming starts on a queue that holds <paramref name="ready"/> requests: the broker pushes up to the prefetch of
    /// them at once, and each batch of the drain waits for them by count (up to a full batch, within the fill wait) rather
    /// than leave with the first few.
    /// </summary>
    public void ExpectBacklog(long ready) => _waiting.ExpectBacklog(ready);

    /// <summary>Adds one request; the task ends when its batch is done, or faults with the batch's failure.</summary>
    public Task Add(PendingSync request, bool alone, ReceiveContext? received)
    {
        var waiting = new WaitingRequest(request, alone, _time.GetUtcNow());
        _waiting.Add(waiting, received);
        lock (_starting)
            _loop ??= Task.Run(Run);
        return waiting.Done.Task;
    }

    private async Task Run()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Dispatch(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Never ends the loop: the requests of a batch that could not start were failed or put back already.
                _logger.DispatchFailed(exception);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, CancellationToken.None);
            }
        }
    }

    /// <summary>Starts the next batch once there is work, a free slot and the allowance's grant.</summary>
    private async Task Dispatch(CancellationToken stopping)
    {
        await _waiting.WaitUntil(() => _waiting.Count > 0 && _waiting.Running < Settings.ConcurrentBatches, null, stopping);
        await _fill.UntilOldEnough(stopping);

        AllowanceDecision decision;
        AllowanceReservation? reservation;
        try
        {
            (decision, reservation) = await _allowance.ReserveBatch();
        }
        catch (Exception exception)
        {
            // The shared allowance is away (Redis): the next batch waits in the retry queues, as after any transient failure.
            await Settle(_waiting.Take(Settings.BatchSize), requests => _rescheduler.RetryWithoutAllowance(requests, exception));
            return;
        }

        if (reservation is not { } batchCalls)
        {
            if (!decision.Spent && decision.Wait <= Settings.Allowance.LongestInlineWait)
            {
                // Paced: the requests arriving meanwhile join the batch that goes when the call is granted.
                await Task.Delay(decision.Wait, _time, stopping);
                return;
            }
            // The allowance cannot pay for a batch soon: what is waiting goes back to the queue, and consuming pauses.
            var reason = decision.Spent
                ? "the CRM's daily API allowance (less the reserve) is spent until it resets"
                : $"the CRM's allowance is paced: the next call is due in {decision.Wait.TotalSeconds:0.#} s";
            await Settle(_waiting.TakeAll(), requests => _rescheduler.Defer(requests, reason, errorToRecord: null, CancellationToken.None));
            return;
        }

        if (!_waiting.NextIsAlone)
            await _fill.Fill(stopping);
        var batch = _waiting.Take(Settings.BatchSize);
        if (batch.Count == 0)
        {
            await batchCalls.ReleaseUnused();
            return;
        }
        _waiting.BatchStarted();
        _ = RunBatch(batch, batchCalls);
    }

    private async Task RunBatch(List<WaitingRequest> batch, AllowanceReservation reservation)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var synchronizer = scope.ServiceProvider.GetRequiredService<BatchSynchronizer>();
            var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            await synchronizer.Sync([.. batch.Select(waiting => waiting.Request)], reservation, publisher, CancellationToken.None);
            foreach (var waiting in batch)
                waiting.Done.TrySetResult();
        }
        catch (Exception exception)
        {
            foreach (var waiting in batch)
                waiting.Done.TrySetException(exception);
            await reservation.ReleaseUnused();
        }
        finally
        {
            _waiting.BatchEnded();
        }
    }

    /// <summary>Requests that will not start a batch now, put where they wait: each ends once stored there, or faults when that failed.</summary>
    private static async Task Settle(List<WaitingRequest> waiting, Func<List<PendingSync>, Task> putAway)
    {
        try
        {
            await putAway([.. waiting.Select(entry => entry.Request)]);
            foreach (var entry in waiting)
                entry.Done.TrySetResult();
        }
        catch (Exception exception)
        {
            foreach (var entry in waiting)
                entry.Done.TrySetException(exception);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
