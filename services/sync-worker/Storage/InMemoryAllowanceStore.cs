using Sync.Clients.Crm;

namespace Sync.SyncWorker.Storage;

/// <summary>The embedded allowance view: the same token bucket as allowance-take.lua, kept in memory.</summary>
public sealed class InMemoryAllowanceStore(TimeProvider time) : IAllowanceStore
{
    private static readonly TimeSpan UnknownWindow = TimeSpan.FromDays(1);

    private readonly Lock _lock = new();
    private int? _limit;
    private int _used;
    private DateTimeOffset? _resetsAt;
    private double? _tokens;
    private DateTimeOffset? _refilledAt;
    private DateTimeOffset? _observedAt;

    public Task<AllowanceDecision> Take(int calls, AllowancePolicy policy, bool dryRun = false)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_limit is not { } limit)
                return Task.FromResult(AllowanceDecision.Grant);

            var used = _used;
            var resetsAt = _resetsAt;
            var tokens = _tokens ?? policy.BurstCalls;
            var refilledAt = _refilledAt ?? now;
            if (resetsAt is { } reset && now >= reset)
            {
                (used, resetsAt, tokens, refilledAt) = (0, null, policy.BurstCalls, now);
                if (!dryRun)
                    (_used, _resetsAt, _tokens, _refilledAt) = (used, resetsAt, tokens, refilledAt);
            }

            var budget = limit - (int)Math.Floor(limit * policy.ReservePercent / 100) - used;
            if (budget < calls)
                return Task.FromResult(new AllowanceDecision(false, TimeSpan.Zero, Spent: true, resetsAt));

            var window = resetsAt is { } next && next > now ? next - now : UnknownWindow;
            var rate = budget / Math.Max(window.TotalMilliseconds, 1000);
            tokens = Math.Min(policy.BurstCalls, tokens + Math.Max(0, (now - refilledAt).TotalMilliseconds) * rate);
            if (tokens >= calls)
            {
                if (!dryRun)
                    (_tokens, _refilledAt, _used) = (tokens - calls, now, used + calls);
                return Task.FromResult(new AllowanceDecision(true, TimeSpan.Zero, false, resetsAt));
            }

            if (!dryRun)
                (_tokens, _refilledAt) = (tokens, now);
            return Task.FromResult(new AllowanceDecision(false, TimeSpan.FromMilliseconds(Math.Ceiling((calls - tokens) / rate)), false, resetsAt));
        }
    }

    public Task LearnFromAnswer(CrmApiUsage usage)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var windowTurned = _resetsAt is { } reset && now >= reset;
            _used = _limit is null || windowTurned ? usage.Used : Math.Max(_used, usage.Used);
            _limit = usage.Limit;
            _observedAt = now;
        }
        return Task.CompletedTask;
    }

    public Task LearnLimits(CrmLimits limits)
    {
        lock (_lock)
        {
            _used = limits.DailyApiRequests.Used;
            _limit = limits.DailyApiRequests.Limit;
            _observedAt = time.GetUtcNow();
            _resetsAt = Learnt(limits.ResetsAt, _observedAt.Value, _resetsAt);
        }
        return Task.CompletedTask;
    }

    public Task LearnSpent(CrmApiUsage? usage, DateTimeOffset? resetsAt)
    {
        lock (_lock)
        {
            if ((usage?.Limit ?? _limit) is not { } limit)
                return Task.CompletedTask;
            _limit = limit;
            _used = Math.Max(usage?.Used ?? limit, limit);
            _observedAt = time.GetUtcNow();
            _resetsAt = Learnt(resetsAt, _observedAt.Value, _resetsAt);
        }
        return Task.CompletedTask;
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
            return Task.FromResult(new AllowanceState(_limit is null ? null : _used, _limit, _resetsAt, _tokens, _observedAt));
    }
}
