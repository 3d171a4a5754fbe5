using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Configuration;

namespace Sync.CrmSimulator.Faults;

/// <summary>
/// Decides, request by request, which configured fault strikes. Faults are this process's own (a restart starts from the
/// configured ones), unlike the org's data and limits, which live in the store.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly FaultSettings _configured;
    private FaultSettings _settings;

    public FaultInjector(IOptions<CrmSimulatorOptions> options)
    {
        _configured = options.Value.Faults.Copy();
        _settings = _configured.Copy();
    }

    /// <summary>The faults in force, with what is left of the "next N requests" counts.</summary>
    public FaultSettings Current
    {
        get
        {
            lock (_lock)
                return _settings.Copy();
        }
    }

    public void Replace(FaultSettings settings)
    {
        lock (_lock)
            _settings = settings.Copy();
    }

    /// <summary>Back to the configured faults (none, unless configuration injects some).</summary>
    public void Reset() => Replace(_configured);

    public InjectedFault Next()
    {
        lock (_lock)
        {
            var latency = TimeSpan.FromMilliseconds(_settings.LatencyMilliseconds);
            var kind = FaultKind.None;
            if (_settings.TimeOutNextRequests > 0)
            {
                _settings.TimeOutNextRequests--;
                kind = FaultKind.Timeout;
            }
            else if (_settings.FailNextRequests > 0)
            {
                _settings.FailNextRequests--;
                kind = FaultKind.Transient;
            }
            else if (_settings.TimeoutRate > 0 && Random.Shared.NextDouble() < _settings.TimeoutRate)
            {
                kind = FaultKind.Timeout;
            }
            else if (_settings.TransientErrorRate > 0 && Random.Shared.NextDouble() < _settings.TransientErrorRate)
            {
                kind = FaultKind.Transient;
            }
            return new InjectedFault(latency, kind, _settings.Phase, _settings.TimeoutHold, _settings.TimeoutBehaviour);
        }
    }
}

/// <summary>The fault one request meets: its added latency, and whether and when it fails.</summary>
public sealed record InjectedFault(TimeSpan Latency, FaultKind Kind, FaultPhase Phase, TimeSpan Hold, TimeoutBehaviour Behaviour)
{
    public bool StrikesBefore => Kind != FaultKind.None && Phase == FaultPhase.BeforeProcessing;

    public bool StrikesAfter => Kind != FaultKind.None && Phase == FaultPhase.AfterProcessing;
}
