using Sync.Clients.Crm;

namespace Sync.SyncWorker.Storage.Allowance;

/// <summary>The embedded allowance view: the same figure, stamps and token bucket as allowance-take.lua and allowance-learn.lua, kept in memory.</summary>
public sealed class InMemoryAllowanceStore(TimeProvider time) : IAllowanceStore
{
    private static readonly TimeSpan UnknownWindow = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<long, DateTimeOffset> _inFlight = [];
    private readonly HashSet<long> _released = [];
    private int? _limit;
    private int _base;
    private long _reportedStamp = -1;
    private long _stamp;
    private DateTimeOffset? _resetsAt;
    private double? _tokens;
    private DateTimeOffset? _refilledAt;
    private DateTimeOffset? _observedAt;

    public Task<AllowanceDecision> Reserve(int calls, AllowancePolicy policy, bool dryRun = false)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            foreach (var expired in _inFlight.Where(call => call.Value <= now).Select(call => call.Key).ToList())
                _inFlight.Remove(expired);
            if (_limit is not { } limit)
                return Task.FromResult(Grant(calls, policy, now, dryRun, null));

            var tokens = _tokens ?? policy.BurstCalls;
            var refilledAt = _refilledAt ?? now;
            if (_resetsAt is { } reset && now >= reset && !dryRun)
                (_base, _reportedStamp, _resetsAt, tokens, refilledAt) = (0, _stamp, null, policy.BurstCalls, now);

            var used = _resetsAt is { } turned && now >= turned ? 0 : Used();
            var budget = limit - (int)Math.Floor(limit * policy.ReservePercent / 100) - used;
            if (budget < calls)
                return Task.FromResult(new AllowanceDecision(false, TimeSpan.Zero, Spent: true, _resetsAt));

            var window = _resetsAt is { } next && next > now ? next - now : UnknownWindow;
            var rate = budget / Math.Max(window.TotalMilliseconds, 1000);
            tokens = Math.Min(policy.BurstCalls, tokens + Math.Max(0, (now - refilledAt).TotalMilliseconds) * rate);
            if (tokens >= calls)
            {
                if (!dryRun)
                    (_tokens, _refilledAt) = (tokens - calls, now);
                return Task.FromResult(Grant(calls, policy, now, dryRun, _resetsAt));
            }

            if (!dryRun)
                (_tokens, _refilledAt) = (tokens, now);
            return Task.FromResult(new AllowanceDecision(false, TimeSpan.FromMilliseconds(Math.Ceiling((calls - tokens) / rate)), false, _resetsAt));
        }
    }

    private AllowanceDecision Grant(int calls, AllowancePolicy policy, DateTimeOffset now, bool dryRun, DateTimeOffset? resetsAt)
    {
        var decision = new AllowanceDecision(true, TimeSpan.Zero, false, resetsAt, _stamp + 1, _inFlight.Count);
        if (!dryRun)
        {
            for (var call = _stamp + 1; call <= _stamp + calls; call++)
                _inFlight[call] = now + policy.InFlightFor;
            _stamp += calls;
        }
        return decision;
    }

    private int Used() => _base + (int)(_stamp - Math.Max(_reportedStamp, 0)) - _released.Count(call => call > _reportedStamp);

    public Task LearnAnswer(AllowanceCall call, CrmApiUsage? usage)
    {
        lock (_lock)
        {
            _inFlight.Remove(call.Stamp);
            if (usage is not null)
                Report(call, usage.Used, usage.Limit);
        }
        return Task.CompletedTask;
    }

    public Task LearnSpent(AllowanceCall call, CrmApiUsage? usage, DateTimeOffset? resetsAt)
    {
        lock (_lock)
        {
            _inFlight.Remove(call.Stamp);
            if ((usage?.Limit ?? _limit) is not { } limit)
                return Task.CompletedTask;
            Report(call, Math.Max(usage?.Used ?? limit, limit - call.Margin), limit);
            _resetsAt = Learnt(resetsAt, time.GetUtcNow(), _resetsAt);
        }
        return Task.CompletedTask;
    }

    public Task Release(AllowanceCall call)
    {
        lock (_lock)
        {
            _inFlight.Remove(call.Stamp);
            if (call.Stamp > _reportedStamp)
                _released.Add(call.Stamp);
        }
        return Task.CompletedTask;
    }

    public Task<AllowanceCall> BeginLimitsRead()
    {
        lock (_lock)
            return Task.FromResult(new AllowanceCall(_stamp, _inFlight.Count));
    }

    public Task LearnLimits(AllowanceCall readAt, CrmLimits limits)
    {
        lock (_lock)
        {
            Report(readAt, limits.DailyApiRequests.Used, limits.DailyApiRequests.Limit);
            _resetsAt = Learnt(limits.ResetsAt, time.GetUtcNow(), _resetsAt);
        }
        return Task.CompletedTask;
    }

    /// <summary>As allowance-learn.lua: the report with the newest stamp wins, whatever order the answers arrive in.</summary>
    private void Report(AllowanceCall call, int used, int limit)
    {
        if (call.Stamp < _reportedStamp)
            return;
        (_base, _reportedStamp, _limit, _observedAt) = (used + call.Margin, call.Stamp, limit, time.GetUtcNow());
        _released.RemoveWhere(released => released <= call.Stamp);
    }

    /// <summary>As allowance-learn.lua: a reset time the CRM tells is kept only while it lies ahead by this clock.</summary>
    private static DateTimeOffset? Learnt(DateTimeOffset? told, DateTimeOffset now, DateTimeOffset? known) => told switch
    {
        null => known,
        { } at when at > now => at,
        // The CRM's clock runs behind: its reset is not assumed by this one.
        _ => null,
    };

    public Task<AllowanceState> Read()
    {
        lock (_lock)
            return Task.FromResult(new AllowanceState(_limit is null ? null : Used(), _limit, _resetsAt, _tokens, _observedAt));
    }
}
