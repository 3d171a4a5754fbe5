using Sync.Contracts;

namespace Sync.SyncWorker.Batches;

/// <summary>What one batch did, for its span, the metrics and /sync/status.</summary>
public sealed class BatchReport
{
    public Dictionary<SyncOutcome, int> Outcomes { get; } = [];

    public int Prospects => Outcomes.Values.Sum();

    public int CrmCalls { get; set; }

    public int Duplicates { get; set; }

    public int Retried { get; set; }

    public int Deferred { get; set; }

    /// <summary>Fields both sides had changed since the last sync, settled by the record dates.</summary>
    public int Conflicts { get; set; }

    public TimeSpan Duration { get; set; }
}
