using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Configuration;

namespace Sync.CrmSimulator.Limits;

/// <summary>The cap on requests served at once, counted in this process.</summary>
public sealed class ConcurrencyGate(IOptions<CrmSimulatorOptions> options)
{
    private int _inFlight;
    private int? _max;

    public int Max
    {
        get => _max ?? options.Value.Limits.MaxConcurrentRequests;
        set => _max = value;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>A slot for one request, released when disposed; null when the cap is reached.</summary>
    public IDisposable? TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= Max)
            return new Slot(this);
        Interlocked.Decrement(ref _inFlight);
        return null;
    }

    public void ResetMax() => _max = null;

    private sealed class Slot(ConcurrencyGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                Interlocked.Decrement(ref gate._inFlight);
        }
    }
}
