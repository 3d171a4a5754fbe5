namespace Sync.CrmSimulator.Storage.Org;

public sealed class InMemoryCrmOrgStore : ICrmOrgStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _usage = new(StringComparer.Ordinal);
    private OrgSettings? _settings;

    public Task<OrgSettings?> GetSettings(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_settings);
    }

    public Task<OrgSettings> UpdateSettings(Func<OrgSettings, OrgSettings> change, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _settings = change(_settings ?? new OrgSettings());
            return Task.FromResult(_settings);
        }
    }

    public Task<ApiCharge> Charge(string day, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var used = _usage.GetValueOrDefault(day);
            if (used >= limit)
                return Task.FromResult(new ApiCharge(false, used));
            _usage[day] = used + 1;
            return Task.FromResult(new ApiCharge(true, used + 1));
        }
    }

    public Task<int> GetUsage(string day, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_usage.GetValueOrDefault(day));
    }

    public Task SetUsage(string day, int used, CancellationToken cancellationToken)
    {
        lock (_lock)
            _usage[day] = used;
        return Task.CompletedTask;
    }
}
