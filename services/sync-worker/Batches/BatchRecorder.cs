using System.Diagnostics;
using Sync.SyncWorker.Observability;
using Sync.SyncWorker.Storage.WorkerState;

namespace Sync.SyncWorker.Batches;

/// <summary>Tells what a batch did: on its span, in the metrics, in the totals /sync/status shows, and in one log line.</summary>
public sealed class BatchRecorder(SyncWorkerMetrics metrics, IWorkerStateStore state, TimeProvider time, ILogger<BatchRecorder> logger)
{
    public async Task Record(BatchReport report, Activity? activity)
    {
        activity?.SetTag("sync.batch.prospects", report.Prospects);
        activity?.SetTag("sync.batch.crm_calls", report.CrmCalls);
        activity?.SetTag("sync.batch.duplicates", report.Duplicates);
        activity?.SetTag("sync.batch.retried", report.Retried);
        activity?.SetTag("sync.batch.deferred", report.Deferred);
        activity?.SetTag("sync.batch.conflicts", report.Conflicts);
        foreach (var (outcome, count) in report.Outcomes)
            activity?.SetTag($"sync.batch.outcome.{outcome}", count);
        metrics.Batch(report);
        if (report.Prospects > 0 || report.CrmCalls > 0)
        {
            await state.RecordBatch(new BatchRecord(time.GetUtcNow(), report.Prospects, report.CrmCalls, report.Duration, report.Outcomes));
            logger.BatchDone(report.Prospects, report.Outcomes.Count == 0 ? "none" : string.Join(", ", report.Outcomes.Select(entry => $"{entry.Key} {entry.Value}")),
                report.Retried + report.Deferred, report.CrmCalls, report.Duration.TotalMilliseconds);
        }
    }
}
