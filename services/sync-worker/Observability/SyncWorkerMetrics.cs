using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Extensions;

namespace Sync.SyncWorker.Observability;

/// <summary>The worker's span source and counters, both named <see cref="Extensions.Extensions.ActivitySourceName"/>.</summary>
public sealed class SyncWorkerMetrics
{
    public static readonly ActivitySource Source = new(Extensions.Extensions.ActivitySourceName);

    private readonly Counter<long> _prospects;
    private readonly Counter<long> _crmCalls;
    private readonly Counter<long> _retried;
    private readonly Histogram<int> _batchSize;

    public SyncWorkerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Extensions.Extensions.ActivitySourceName);
        _prospects = meter.CreateCounter<long>("sync.worker.prospects", "{prospect}", "Prospects the worker finished, by outcome");
        _crmCalls = meter.CreateCounter<long>("sync.worker.crm_calls", "{call}", "CRM API calls charged to the daily allowance");
        _retried = meter.CreateCounter<long>("sync.worker.retried", "{request}", "Sync requests sent to a retry step or back to the queue, by reason");
        _batchSize = meter.CreateHistogram<int>("sync.worker.batch.size", "{prospect}", "Prospects per batch");
    }

    public void Batch(BatchReport report)
    {
        foreach (var (outcome, count) in report.Outcomes)
            _prospects.Add(count, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        if (report.CrmCalls > 0)
            _crmCalls.Add(report.CrmCalls);
        if (report.Retried > 0)
            _retried.Add(report.Retried, new KeyValuePair<string, object?>("reason", "transient"));
        if (report.Deferred > 0)
            _retried.Add(report.Deferred, new KeyValuePair<string, object?>("reason", "allowance"));
        if (report.Prospects > 0)
            _batchSize.Record(report.Prospects);
    }
}
