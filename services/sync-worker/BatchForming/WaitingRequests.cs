using MassTransit;

namespace Sync.SyncWorker.BatchForming;

/// <summary>
/// The batcher's bookkeeping, under one lock: the requests waiting for a batch, those received by the endpoint and still
/// on their way, how many have arrived, whether the queue was draining into this worker, and the batches running. Every
/// change wakes whoever waits on it (<see cref="WaitUntil"/>). The lock is re-entrant, so a condition may read the members.
/// </summary>
public sealed class WaitingRequests
{
    private readonly Lock _lock = new();
    private readonly List<WaitingRequest> _waiting = [];
    private readonly ChangeSignal _changed;
    private int _onTheWay;
    private long _arrived;
    private long _handedOver;
    private long _backlogEnd;
    private bool _queueWasDraining;
    private int _running;

    public WaitingRequests(TimeProvider time) => _changed = new ChangeSignal(_lock, time);

    public int Count
    {
        get
        {
            lock (_lock)
                return _waiting.Count;
        }
    }

    /// <summary>Requests that may join a batch with others (not those retried alone).</summary>
    public int Joinable
    {
        get
        {
            lock (_lock)
                return _waiting.Count(waiting => !waiting.Alone);
        }
    }

    /// <summary>Received by the endpoint (being read and checked), not yet handed over.</summary>
    public int OnTheWay
    {
        get
        {
            lock (_lock)
                return _onTheWay;
        }
    }

    /// <summary>Every arrival so far, received or handed over: unchanged over a while, nothing more is coming.</summary>
    public long Arrived
    {
        get
        {
            lock (_lock)
                return _arrived;
        }
    }

    public int Running
    {
        get
        {
            lock (_lock)
                return _running;
        }
    }

    /// <summary>When the oldest waiting request arrived; null when none waits.</summary>
    public DateTimeOffset? OldestArrivedAt
    {
        get
        {
            lock (_lock)
                return _waiting.Count > 0 ? _waiting[0].ArrivedAt : null;
        }
    }

    /// <summary>The next batch is a request retried alone.</summary>
    public bool NextIsAlone
    {
        get
        {
            lock (_lock)
                return _waiting.Count > 0 && _waiting[0].Alone;
        }
    }

    /// <summary>A request the endpoint received is on its way to the batcher.</summary>
    public void Received()
    {
        lock (_lock)
        {
            _onTheWay++;
            _arrived++;
        }
    }

    /// <summary>A request received ended without reaching the batcher (refused as invalid, say).</summary>
    public void NeverArrived()
    {
        lock (_lock)
        {
            _onTheWay--;
            _handedOver++;
        }
        Signal();
    }

    /// <summary>A request reached the batcher; <paramref name="received"/> is its delivery, counted on its way if it was.</summary>
    public void Add(WaitingRequest waiting, ReceiveContext? received)
    {
        lock (_lock)
        {
            _waiting.Add(waiting);
            _arrived++;
            _handedOver++;
            if (SyncRequestArrivals.Arrived(received))
                _onTheWay--;
        }
        Signal();
    }

    /// <summary>The queue holds (or held) requests ready: those the broker delivers join until they stop coming.</summary>
    public void QueueIsDraining()
    {
        lock (_lock)
            _queueWasDraining = true;
    }

    /// <summary>
    /// Consuming starts on a queue that holds <paramref name="ready"/> requests: they are on their way to this worker, and
    /// are waited for by count (<see cref="BacklogOnItsWay"/>), not by a gap in their arrivals, which a loaded machine opens
    /// anywhere in a drain.
    /// </summary>
    public void ExpectBacklog(long ready)
    {
        lock (_lock)
        {
            _queueWasDraining = true;
            _backlogEnd = _handedOver + ready;
        }
    }

    /// <summary>Requests of the backlog counted when consuming started have yet to reach the batcher (or be refused).</summary>
    public bool BacklogOnItsWay
    {
        get
        {
            lock (_lock)
                return _handedOver < _backlogEnd;
        }
    }

    /// <summary>What of the backlog has not come within a whole fill wait went to another replica: it is expected no longer.</summary>
    public void ForgetBacklog()
    {
        lock (_lock)
            _backlogEnd = _handedOver;
    }

    /// <summary>Whether the queue was draining into this worker since last asked; asking clears it.</summary>
    public bool TakeQueueWasDraining()
    {
        lock (_lock)
        {
            var draining = _queueWasDraining;
            _queueWasDraining = false;
            return draining;
        }
    }

    public void BatchStarted()
    {
        lock (_lock)
            _running++;
    }

    public void BatchEnded()
    {
        lock (_lock)
            _running--;
        Signal();
    }

    /// <summary>The next batch: a request retried alone, or up to <paramref name="batchSize"/> of the others, oldest first.</summary>
    public List<WaitingRequest> Take(int batchSize)
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
            var batch = _waiting.Where(waiting => !waiting.Alone).Take(batchSize).ToList();
            _waiting.RemoveAll(batch.Contains);
            return batch;
        }
    }

    public List<WaitingRequest> TakeAll()
    {
        lock (_lock)
        {
            var all = _waiting.ToList();
            _waiting.Clear();
            return all;
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds or, when given, <paramref name="longest"/> has passed.</summary>
    public Task WaitUntil(Func<bool> condition, TimeSpan? longest, CancellationToken stopping) => _changed.WaitUntil(condition, longest, stopping);

    private void Signal() => _changed.Signal();
}
