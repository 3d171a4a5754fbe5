using MassTransit;
using Microsoft.Extensions.Options;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Control;
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
/// When the allowance cannot pay for a batch soon, what is waiting goes back to the queue and consuming pauses.
/// Not MassTransit's <c>Batch&lt;T&gt;</c>: its batch closes on a timer (counted from the first or the last message,
/// <c>TimeLimitStart</c>), so a lone change waits that long, and a closed batch then waits for a free slot (its
/// <c>ConcurrencyLimit</c>) holding what it had: under pacing, many small batches would queue, each costing two calls.
/// </summary>
public sealed partial class SyncBatcher : IDisposable
{
    private readonly IServiceScopeFactory _scopes;
    private readonly CrmAllowance _allowance;
    private readonly ISyncRetryScheduler _retries;
    private readonly IWorkerQueueDepth _queue;
    private readonly SyncConsumption _consumption;
    private readonly IOptions<SyncWorkerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SyncBatcher> _logger;
    private readonly Lock _lock = new();
    private readonly List<Waiting> _waiting = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ChangeSignal _changed;
    private int _onTheWay;
    private long _arrived;
    private bool _queueWasDraining;
    private int _running;
    private Task? _loop;

    public SyncBatcher(
        IServiceScopeFactory scopes, CrmAllowance allowance, ISyncRetryScheduler retries, IWorkerQueueDepth queue, SyncConsumption consumption,
        IOptions<SyncWorkerOptions> options, TimeProvider time, ILogger<SyncBatcher> logger)
    {
        (_scopes, _allowance, _retries, _queue, _consumption, _options, _time, _logger) = (scopes, allowance, retries, queue, consumption, options, time, logger);
        Arrivals = new SyncRequestArrivals(this);
        _changed = new ChangeSignal(_lock, time);
    }

    /// <summary>Counts the requests the endpoint has received and not yet handed over, so a batch does not leave without them.</summary>
    public IReceiveObserver Arrivals { get; }

    // Deliveries of a draining queue arrive microseconds apart; these gaps are generous for a loaded machine.
    private static readonly TimeSpan ArrivalGap = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan DrainedGap = TimeSpan.FromMilliseconds(50);

    private SyncWorkerOptions Settings => _options.Value;

    /// <summary>
    /// Consuming starts on a queue that holds requests: the broker pushes up to the prefetch of them at once, and the first
    /// batch waits for those still on the wire (until they stop coming) rather than leave with the first few.
    /// </summary>
    public void ExpectBacklog()
    {
        lock (_lock)
            _queueWasDraining = true;
    }

    /// <summary>A request the endpoint received is on its way to the batcher.</summary>
    internal void Received()
    {
        lock (_lock)
        {
            _onTheWay++;
            _arrived++;
        }
    }

    /// <summary>A request received ended without reaching the batcher (refused as invalid, say).</summary>
    internal void NeverArrived()
    {
        lock (_lock)
            _onTheWay--;
        Signal();
    }

    /// <summary>Adds one request; the task ends when its batch is done, or faults with the batch's failure.</summary>
    public Task Add(PendingSync request, bool alone, ReceiveContext? received)
    {
        var waiting = new Waiting(request, alone, _time.GetUtcNow());
        lock (_lock)
        {
            _waiting.Add(waiting);
            _arrived++;
            if (SyncRequestArrivals.Arrived(received))
                _onTheWay--;
            _loop ??= Task.Run(Run);
        }
        Signal();
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
                LogDispatchFailed(exception);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, CancellationToken.None);
            }
        }
    }

    /// <summary>Starts the next batch once there is work, a free slot and the allowance's grant.</summary>
    private async Task Dispatch(CancellationToken stopping)
    {
        await WaitUntil(() => _waiting.Count > 0 && _running < Settings.ConcurrentBatches, null, stopping);
        if (Settings.MinimumBatchAge > TimeSpan.Zero)
            await WaitUntil(() => Joinable() >= Settings.BatchSize || _time.GetUtcNow() - _waiting[0].ArrivedAt >= Settings.MinimumBatchAge,
                Settings.MinimumBatchAge, stopping);

        AllowanceDecision decision;
        AllowanceReservation? reservation;
        try
        {
            (decision, reservation) = await _allowance.ReserveBatch();
        }
        catch (Exception exception)
        {
            // The shared allowance is away (Redis): the next batch waits in the retry queues, as after any transient failure.
            await SendToRetry(Take(), exception);
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
            await Defer(TakeAll(), decision.Spent
                ? "the CRM's daily API allowance (less the reserve) is spent until it resets"
                : $"the CRM's allowance is paced: the next call is due in {decision.Wait.TotalSeconds:0.#} s");
            return;
        }

        bool retriedAlone;
        lock (_lock)
            retriedAlone = _waiting.Count > 0 && _waiting[0].Alone;
        if (!retriedAlone)
            await Fill(stopping);
        var batch = Take();
        if (batch.Count == 0)
        {
            await batchCalls.ReleaseUnused();
            return;
        }
        lock (_lock)
            _running++;
        _ = RunBatch(batch, batchCalls);
    }

    /// <summary>
    /// Lets what is already delivered and on its way, and what the queue holds ready, join the batch (up to
    /// <see cref="SyncWorkerOptions.BatchFillWait"/>); nothing not yet in the queue is waited for, so at idle a batch goes at once.
    /// </summary>
    private async Task Fill(CancellationToken stopping)
    {
        var deadline = _time.GetUtcNow() + Settings.BatchFillWait;
        while (_time.GetUtcNow() < deadline)
        {
            await WaitUntil(() => Joinable() >= Settings.BatchSize || _onTheWay <= 0, deadline - _time.GetUtcNow(), stopping);
            lock (_lock)
            {
                if (Joinable() >= Settings.BatchSize || _onTheWay > 0)
                    return;
            }
            if (await _queue.Ready(stopping) > 0)
            {
                // The broker delivers them as this worker's prefetch allows: wait for the next to arrive, then look again.
                lock (_lock)
                    _queueWasDraining = true;
                await UntilQuiet(ArrivalGap, deadline, stopping);
                continue;
            }
            lock (_lock)
            {
                if (!_queueWasDraining)
                    return;
                // The queue has just drained into deliveries to this worker: those still on the wire join until they stop coming.
                _queueWasDraining = false;
            }
            await UntilQuiet(DrainedGap, deadline, stopping);
            return;
        }
    }

    /// <summary>Waits until the batch is full, or no request has arrived for <paramref name="gap"/>, or the deadline.</summary>
    private async Task UntilQuiet(TimeSpan gap, DateTimeOffset deadline, CancellationToken stopping)
    {
        while (true)
        {
            long before;
            lock (_lock)
                before = _arrived;
            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                return;
            await WaitUntil(() => Joinable() >= Settings.BatchSize, left < gap ? left : gap, stopping);
            lock (_lock)
            {
                if (Joinable() >= Settings.BatchSize || _arrived == before)
                    return;
            }
        }
    }

    private async Task RunBatch(List<Waiting> batch, AllowanceReservation reservation)
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
            lock (_lock)
                _running--;
            Signal();
        }
    }

    /// <summary>The allowance cannot pay for a batch soon: what is waiting goes back to the queue, and consuming pauses.</summary>
    private async Task Defer(List<Waiting> waiting, string reason)
    {
        try
        {
            await _retries.Return([.. waiting.Select(entry => entry.Request)], CancellationToken.None);
            foreach (var entry in waiting)
                entry.Done.TrySetResult();
            LogDeferred(waiting.Count, reason);
        }
        catch (Exception exception)
        {
            foreach (var entry in waiting)
                entry.Done.TrySetException(exception);
        }
        _consumption.Nudge();
    }

    private async Task SendToRetry(List<Waiting> batch, Exception reason)
    {
        try
        {
            await _retries.ScheduleRetry([.. batch.Select(entry => entry.Request)], CancellationToken.None);
            foreach (var entry in batch)
                entry.Done.TrySetResult();
            LogAllowanceUnavailable(batch.Count, reason.GetType().Name, reason.Message);
        }
        catch (Exception exception)
        {
            foreach (var entry in batch)
                entry.Done.TrySetException(exception);
        }
    }

    /// <summary>Requests that may join a batch with others (not those retried alone); read under the lock.</summary>
    private int Joinable() => _waiting.Count(waiting => !waiting.Alone);

    /// <summary>The next batch: a request retried alone, or up to a batch of the others, oldest first.</summary>
    private List<Waiting> Take()
    {
        lock (_lock)
        {
            if (_waiting.Count == 0)
                return [];
            if (_waiting[0].Alone)
            {
                var alone = _waiting[0];
                _waiting.RemoveAt(0);
                return [alone];
            }
            var batch = _waiting.Where(waiting => !waiting.Alone).Take(Settings.BatchSize).ToList();
            _waiting.RemoveAll(batch.Contains);
            return batch;
        }
    }

    private List<Waiting> TakeAll()
    {
        lock (_lock)
        {
            var all = _waiting.ToList();
            _waiting.Clear();
            return all;
        }
    }

    private Task WaitUntil(Func<bool> condition, TimeSpan? longest, CancellationToken stopping) => _changed.WaitUntil(condition, longest, stopping);

    private void Signal() => _changed.Signal();

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "{RequestCount} sync requests go back to the queue and consuming pauses: {Reason}")]
    private partial void LogDeferred(int requestCount, string reason);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning,
        Message = "{RequestCount} sync requests sent to retry: the shared allowance could not be read ({ErrorType}: {Reason})")]
    private partial void LogAllowanceUnavailable(int requestCount, string errorType, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Could not start a batch; trying again")]
    private partial void LogDispatchFailed(Exception exception);

    /// <summary>One request waiting for its batch; compared by reference, as a redelivered request may equal another.</summary>
    private sealed class Waiting(PendingSync request, bool alone, DateTimeOffset arrivedAt)
    {
        public PendingSync Request { get; } = request;

        public bool Alone { get; } = alone;

        public DateTimeOffset ArrivedAt { get; } = arrivedAt;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
