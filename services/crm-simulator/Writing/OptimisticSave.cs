using System.Diagnostics;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Org;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Telemetry;

namespace Sync.CrmSimulator.Writing;

/// <summary>
/// Runs a save: plans it against the records as read, then commits its writes with their feed entries in one atomic store
/// call that checks each record's version. When another request changed a record in between, the save is planned again
/// from fresh reads, so a value is never saved over a change the plan did not see.
/// </summary>
public sealed partial class OptimisticSave(ICrmRecordStore store, CrmOrg org, TimeProvider time, ILogger<OptimisticSave> logger)
{
    // Every round of a contended record lets at least one writer through, so this many rounds let a crowd of writers through.
    public const int MaxAttempts = 20;

    /// <param name="operation">What the save does, for its span and log ("create", "convert", ...).</param>
    /// <param name="count">How many records the save answers for, one outcome each.</param>
    /// <param name="allOrNone">One failed record fails them all (ALL_OR_NONE_OPERATION_ROLLED_BACK on the others) and nothing is written.</param>
    public async Task<IReadOnlyList<SaveOutcome>> Run(
        string operation, int count, bool allOrNone, Func<SaveBatch, CancellationToken, Task> plan, CancellationToken cancellationToken)
    {
        using var activity = CrmSimulatorTelemetry.ActivitySource.StartActivity($"crm {operation}");
        activity?.SetTag("crm.records", count);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var batch = new SaveBatch(count, await org.Now(cancellationToken));
            await plan(batch, cancellationToken);
            var outcomes = batch.Decided();
            if (allOrNone && outcomes.Any(outcome => !outcome.Success))
                return [.. outcomes.Select(outcome => outcome.Success ? SaveOutcome.Failed(outcome.Id, CrmApiError.RolledBack()) : outcome)];
            if (batch.Writes.Count == 0)
                return outcomes;

            var result = await store.Commit(batch.Writes, cancellationToken);
            if (result.Committed)
            {
                activity?.SetTag("crm.writes", batch.Writes.Count);
                activity?.SetTag("crm.attempts", attempt);
                return outcomes;
            }
            LogConcurrentChange(logger, operation, count, attempt);
            // A short random pause spreads the writers that met on the record, so the next round lets one through.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), time, cancellationToken);
        }

        activity?.SetStatus(ActivityStatusCode.Error, "records kept changing concurrently");
        return [.. Enumerable.Range(0, count).Select(_ => SaveOutcome.Failed(null, CrmApiError.UnableToLockRow()))];
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "CRM {Operation} of {Count} records met a concurrent change on attempt {Attempt}; planning it again")]
    private static partial void LogConcurrentChange(ILogger logger, string operation, int count, int attempt);
}
