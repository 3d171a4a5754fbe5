using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.Control;
using Sync.SyncWorker.Matching;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Observability;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Redaction;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Storage.MergeBases;
using Sync.SyncWorker.Storage.SyncErrors;
using Sync.SyncWorker.Storage.WorkerState;

namespace Sync.SyncWorker.Batches;

/// <summary>
/// Syncs one batch of sync requests with one snapshot read from prospect-editor, one CRM lookup, one CRM write and one
/// write-back, then keeps the values both sides now agree on as each prospect's merge base, and reports every request
/// with <see cref="SyncCompleted"/> before the batch is acknowledged.
/// A record the CRM refuses fails alone; a transient failure sends the batch to its retry step; a spent allowance puts it
/// back in the queue and pauses consuming. The batch's CRM calls were reserved from the allowance before it started
/// (<see cref="AllowanceReservation"/>); those it does not need go back.
/// </summary>
public sealed partial class BatchSynchronizer(
    IProspectEditorClient editor,
    ICrmClient crm,
    IWorkerStateStore state,
    IMergeBaseStore mergeBases,
    ISyncErrorStore errors,
    ISyncRetryScheduler retries,
    SyncConsumption consumption,
    FieldMerger merger,
    SyncWorkerMetrics metrics,
    IOptions<SyncWorkerOptions> options,
    IOptions<FieldMappingOptions> mapping,
    TimeProvider time,
    ILogger<BatchSynchronizer> logger)
{
    private const string ProspectNotFound = "PROSPECT_NOT_FOUND";
    private const string EntityIsDeleted = "ENTITY_IS_DELETED";

    /// <summary>
    /// Per-record errors for a record the CRM could not write just now: locked by another request, or changed by someone
    /// after this batch read it (so the merge missed their edit). The next attempt reads it again and merges their values.
    /// </summary>
    private static readonly HashSet<string> TransientRecordErrors = new(StringComparer.Ordinal) { "UNABLE_TO_LOCK_ROW", CrmErrorCodes.PreconditionFailed };
    private const string DuplicateMatch = "DUPLICATE_MATCH";
    private const string CannotUpdateConvertedLead = "CANNOT_UPDATE_CONVERTED_LEAD";

    private AllowanceReservation _reservation = null!;

    public async Task<BatchReport> Sync(
        IReadOnlyList<PendingSync> requests, AllowanceReservation reservation, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        _reservation = reservation;
        var started = time.GetTimestamp();
        using var activity = SyncWorkerMetrics.Source.StartActivity("sync batch");
        activity?.SetTag("sync.batch.requests", requests.Count);
        var batchId = Guid.NewGuid().ToString("N");
        var prospects = requests.GroupBy(pending => pending.Request.ProspectId)
            .Select(group => new ProspectSync(group.Key, group.ToList()))
            .ToList();

        List<SyncCompleted> completions;
        var claimed = await state.Claim(prospects.Select(prospect => prospect.ProspectId).ToList(), batchId, options.Value.ProspectClaimTimeout);
        var report = new BatchReport();
        try
        {
            var busy = prospects.Where(prospect => !claimed.Contains(prospect.ProspectId)).ToList();
            if (busy.Count > 0)
            {
                // Another batch (a replica, or a re-issued request) is syncing these prospects now: try again after it.
                await retries.Postpone(busy.SelectMany(prospect => prospect.Requests).ToList(), cancellationToken);
                LogPostponed(busy.Count);
            }
            prospects = prospects.Where(prospect => claimed.Contains(prospect.ProspectId)).ToList();

            completions = await TakeOutDuplicates(prospects, report);
            var active = prospects.Where(prospect => prospect.Requests.Count > 0).ToList();
            if (active.Count > 0)
                completions.AddRange(await SyncOrDefer(active, report, cancellationToken));
        }
        finally
        {
            await state.Release(claimed.ToList(), batchId);
            await reservation.ReleaseUnused();
        }

        report.CrmCalls = reservation.Made;
        report.Duration = time.GetElapsedTime(started);
        await Record(report, activity);
        // Last, as a consumer's outbox would: whoever sees a completion sees the batch in the worker's status.
        if (completions.Count > 0)
            await publisher.PublishBatch(completions, cancellationToken);
        return report;
    }

    /// <summary>Requests already synced (redelivered, or re-issued with the same SyncId and version): their completion is published again, nothing is written.</summary>
    private async Task<List<SyncCompleted>> TakeOutDuplicates(List<ProspectSync> prospects, BatchReport report)
    {
        var completed = await state.FindCompleted(prospects.SelectMany(prospect => prospect.Requests.Select(pending => Key(pending.Request))).ToList());
        var republished = new List<SyncCompleted>();
        foreach (var prospect in prospects)
        {
            var duplicates = prospect.Requests.Where(pending => completed.ContainsKey(Key(pending.Request))).ToList();
            foreach (var duplicate in duplicates)
            {
                republished.Add(completed[Key(duplicate.Request)]);
                prospect.Requests.Remove(duplicate);
            }
        }
        report.Duplicates = republished.Count;
        if (republished.Count > 0)
            LogDuplicates(republished.Count);
        return republished;
    }

    private async Task<List<SyncCompleted>> SyncOrDefer(List<ProspectSync> prospects, BatchReport report, CancellationToken cancellationToken)
    {
        var pending = prospects.SelectMany(prospect => prospect.Requests).ToList();
        try
        {
            await SyncProspects(prospects, cancellationToken);
            var retried = prospects.Where(prospect => prospect.RetryReason is not null).ToList();
            if (retried.Count > 0)
            {
                // Records the CRM could not lock, or that someone changed after the lookup, are synced again after a delay;
                // the rest of the batch completes now.
                var requests = retried.SelectMany(prospect => prospect.Requests).ToList();
                await retries.ScheduleRetry(requests, cancellationToken);
                report.Retried = requests.Count;
                LogRecordsRetried(retried.Count, retried[0].RetryReason!.ErrorCode);
                prospects = prospects.Except(retried).ToList();
            }
        }
        catch (AllowanceDeferredException deferred)
        {
            return await Defer(pending, report, deferred.Message, errorToRecord: null, cancellationToken);
        }
        catch (CrmRequestLimitExceededException refused)
        {
            return await Defer(pending, report, refused.Message, EmailRedaction.WithoutEmails(refused.Message), cancellationToken);
        }
        catch (Exception exception) when (IsTransient(exception, cancellationToken))
        {
            await retries.ScheduleRetry(pending, cancellationToken);
            report.Retried = pending.Count;
            var attempt = pending.Max(request => request.Attempt) + 1;
            var reason = EmailRedaction.WithoutEmails(exception.Message);
            LogRetrying(pending.Count, attempt, exception.GetType().Name, reason);
            await state.RecordError($"{exception.GetType().Name}: {reason}", time.GetUtcNow());
            return [];
        }
        catch (CrmRequestException refused)
        {
            // The CRM refused the lookup itself: no retry mends it, so every prospect of it goes to the sync-error list.
            var error = ReasonOf(refused);
            foreach (var prospect in prospects.Where(prospect => prospect.Result is null))
                prospect.Fail(error, "the CRM refused the whole request");
            LogRequestRefused(prospects.Count, error.ErrorCode, EmailRedaction.WithoutEmails(refused.Message));
        }

        return await Complete(prospects, report);
    }

    /// <summary>
    /// The allowance cannot pay for the batch now: its requests go back to the queue untouched, and the control loop is woken
    /// so consuming pauses until the allowance allows.
    /// </summary>
    private async Task<List<SyncCompleted>> Defer(
        List<PendingSync> pending, BatchReport report, string reason, string? errorToRecord, CancellationToken cancellationToken)
    {
        await retries.Return(pending, cancellationToken);
        report.Deferred = pending.Count;
        LogDeferred(pending.Count, reason);
        if (errorToRecord is not null)
            await state.RecordError(errorToRecord, time.GetUtcNow());
        consumption.Nudge();
        return [];
    }

    /// <summary>Why the CRM refused a whole request: its first error, or the refusal itself when it named none.</summary>
    private static CrmError ReasonOf(CrmRequestException refused) =>
        refused.Errors.FirstOrDefault() ?? new CrmError("REQUEST_REFUSED", refused.Message, []);

    private async Task SyncProspects(List<ProspectSync> prospects, CancellationToken cancellationToken)
    {
        var snapshot = await editor.GetMany(prospects.Select(prospect => prospect.ProspectId).ToList(), cancellationToken);
        var byId = snapshot.Prospects.ToDictionary(prospect => prospect.Id);
        foreach (var prospect in prospects)
        {
            prospect.Prospect = byId.GetValueOrDefault(prospect.ProspectId);
            if (prospect.Prospect is null)
                prospect.Fail(new CrmError(ProspectNotFound, "The prospect no longer exists in prospect-editor.", []), "the prospect no longer exists");
            else if (prospect.Prospect.DoNotSync)
                prospect.Result = new ProspectResult(SyncOutcome.SkippedDoNotSync, null, null, null,
                    "Do Not Sync was set when the worker came to write: nothing written");
            else if (prospect.Prospect.CrmDeleted)
                prospect.Result = new ProspectResult(SyncOutcome.CrmRecordDeleted, prospect.Prospect.CrmObjectType, prospect.Prospect.CrmRecordId, null,
                    "the prospect's CRM record was deleted in the CRM; it is not re-created");
        }

        var toSync = prospects.Where(prospect => prospect.Result is null).ToList();
        if (toSync.Count == 0)
            return;

        await Match(toSync, cancellationToken);
        Plan(toSync, await mergeBases.Find(toSync.Select(prospect => prospect.ProspectId).ToList()));
        await Write(toSync, cancellationToken);
        await WriteBack(prospects, cancellationToken);
        await KeepMergeBases(toSync);
    }

    private async Task Match(List<ProspectSync> prospects, CancellationToken cancellationToken)
    {
        var known = prospects.Where(prospect => prospect.Prospect!.CrmRecordId is { Length: > 0 }).Select(prospect => prospect.Prospect!).ToList();
        var lookup = new CrmLookup
        {
            LeadIds = known.Where(prospect => prospect.CrmObjectType != CrmObjectType.Contact).Select(prospect => prospect.CrmRecordId!).Distinct().ToList(),
            ContactIds = known.Where(prospect => prospect.CrmObjectType != CrmObjectType.Lead).Select(prospect => prospect.CrmRecordId!).Distinct().ToList(),
            Emails = prospects.Select(prospect => prospect.Prospect!.Email).Where(email => !string.IsNullOrWhiteSpace(email))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        };
        var index = new CrmLookupIndex();
        index.Add(await _reservation.Call(() => crm.Lookup(lookup, cancellationToken), found => found.Usage, cancellationToken));

        var contactsToFetch = new List<string>();
        foreach (var prospect in prospects)
        {
            prospect.Match = CrmRecordMatcher.Match(prospect.Prospect!, index, out var contactId);
            if (contactId is not null)
                contactsToFetch.Add(contactId);
        }

        if (contactsToFetch.Count > 0)
        {
            // Only when a converted Lead's Contact did not come with the first lookup (it carries another e-mail address).
            index.Add(await _reservation.Call(() => crm.Lookup(new CrmLookup { ContactIds = contactsToFetch.Distinct().ToList() }, cancellationToken),
                found => found.Usage, cancellationToken));
            foreach (var prospect in prospects.Where(prospect => prospect.Match is null))
            {
                prospect.Match = CrmRecordMatcher.Match(prospect.Prospect!, index, out var stillMissing)
                    ?? new CrmMatch(CrmMatchKind.Deleted, null, $"Contact {stillMissing}, which the prospect's Lead was converted into, is not in the CRM");
            }
        }
    }

    private void Plan(List<ProspectSync> prospects, IReadOnlyDictionary<long, MergeBase> bases)
    {
        var settings = mapping.Value;
        var claimedRecords = new HashSet<string>(StringComparer.Ordinal);
        // A prospect's own record goes to it before any other prospect of the batch can take it by e-mail, whatever the order.
        foreach (var prospect in prospects.OrderBy(prospect => prospect.Match?.Kind == CrmMatchKind.ByEmail))
        {
            var snapshot = prospect.Prospect!;
            var match = prospect.Match!;
            if (match.Kind == CrmMatchKind.Deleted)
            {
                prospect.Result = new ProspectResult(SyncOutcome.CrmRecordDeleted, snapshot.CrmObjectType, snapshot.CrmRecordId, null, match.Description);
                continue;
            }

            if (match.Record is not { } record)
            {
                prospect.Merge = merger.Merge(snapshot, null, CrmObjectType.Lead);
                var fields = new Dictionary<string, string?>(prospect.Merge.CrmChanges.ToDictionary(entry => entry.Key, entry => (string?)entry.Value))
                {
                    [CrmFields.Email] = snapshot.Email,
                    [CrmFields.ProspectId] = snapshot.Id.ToString(CultureInfo.InvariantCulture),
                };
                // The CRM requires both on a Lead; a prospect without them gets a placeholder, never written back.
                fields.TryAdd("LastName", settings.NewLeadLastName);
                fields.TryAdd("Company", settings.NewLeadCompany);
                prospect.Create = new CrmRecord { Type = CrmObjectType.Lead, Fields = fields };
                continue;
            }

            if (CrmRecordMatcher.IsConverted(record))
            {
                // Only a converted Lead the CRM names no Contact for gets here: an operator must link the prospect to its Contact.
                prospect.Fail(new CrmError(CannotUpdateConvertedLead,
                    $"Lead {record.Id} was converted and the CRM names no Contact it became; a converted Lead is never updated.", []), match.Description);
                continue;
            }

            if (!claimedRecords.Add(record.Id!))
            {
                prospect.Fail(new CrmError(DuplicateMatch, $"Another prospect of the same batch matched {record.Type} {record.Id}.", []), match.Description);
                continue;
            }

            // A base agreed with another record (before a re-match or a conversion) says nothing of this one's values.
            var mergeBase = bases.GetValueOrDefault(prospect.ProspectId) is { } agreed && string.Equals(agreed.CrmRecordId, record.Id, StringComparison.Ordinal)
                ? agreed.Values
                : null;
            prospect.Merge = merger.Merge(snapshot, record, record.Type, mergeBase);
            var changes = prospect.Merge.CrmChanges.ToDictionary(entry => entry.Key, entry => (string?)entry.Value);
            var prospectId = snapshot.Id.ToString(CultureInfo.InvariantCulture);
            if (!string.Equals(record[CrmFields.ProspectId], prospectId, StringComparison.Ordinal))
                changes[CrmFields.ProspectId] = prospectId;
            if (string.IsNullOrWhiteSpace(record.Email) && !string.IsNullOrWhiteSpace(snapshot.Email))
                changes[CrmFields.Email] = snapshot.Email;
            if (changes.Count > 0)
                prospect.Update = new CrmRecord { Id = record.Id, Type = record.Type, Fields = changes, IfUnmodifiedSince = record.LastModifiedDate };
            else
                prospect.Result = Synced(prospect, record.Type, record.Id!, record.LastModifiedDate);
        }
    }

    private async Task Write(List<ProspectSync> prospects, CancellationToken cancellationToken)
    {
        var creating = prospects.Where(prospect => prospect.Create is not null && prospect.Result is null).ToList();
        var updating = prospects.Where(prospect => prospect.Update is not null && prospect.Result is null).ToList();
        if (creating.Count == 0 && updating.Count == 0)
            return;

        CrmWriteResult written;
        try
        {
            written = await _reservation.Call(() => crm.Write(
                creating.Select(prospect => prospect.Create!).ToList(),
                updating.Select(prospect => prospect.Update!).ToList(),
                cancellationToken), result => result.Usage, cancellationToken);
        }
        catch (CrmRequestException refused) when (!IsTransient(refused, cancellationToken))
        {
            // The CRM refused the write as a whole: its records fail, and the prospects that needed no CRM write are
            // still written back below.
            var error = ReasonOf(refused);
            LogRequestRefused(creating.Count + updating.Count, error.ErrorCode, EmailRedaction.WithoutEmails(refused.Message));
            var failed = new CrmSaveResult(null, false, [error]);
            written = new CrmWriteResult([.. creating.Select(_ => failed)], [.. updating.Select(_ => failed)]);
        }

        Settle(creating, written.Created, CrmObjectType.Lead);
        Settle(updating, written.Updated, null);
    }

    private void Settle(List<ProspectSync> prospects, IReadOnlyList<CrmSaveResult> results, CrmObjectType? createdType)
    {
        for (var i = 0; i < prospects.Count; i++)
        {
            var prospect = prospects[i];
            var type = createdType ?? prospect.Update!.Type;
            var result = i < results.Count ? results[i] : new CrmSaveResult(null, false, [new CrmError("NO_RESULT", "The CRM did not answer for this record.", [])]);
            if (result.Success && (result.Id ?? prospect.Update?.Id) is { } recordId)
                prospect.Result = Synced(prospect, type, recordId, lastModified: null);
            else if (result.Errors.FirstOrDefault(error => TransientRecordErrors.Contains(error.ErrorCode)) is { } transient)
                prospect.RetryLater(transient);
            else if (result.Errors.Any(error => error.ErrorCode == EntityIsDeleted))
                prospect.Result = new ProspectResult(SyncOutcome.CrmRecordDeleted, type, prospect.Update?.Id, null,
                    $"{type} {prospect.Update?.Id} was deleted in the CRM while the batch was syncing");
            else
                prospect.Fail(result.Errors.FirstOrDefault() is { } error
                        ? merger.Explain(error, prospect.Create ?? prospect.Update!)
                        : new CrmError("UNKNOWN_ERROR", "The CRM refused the record without a reason.", []),
                    prospect.Match!.Description);
        }
    }

    /// <summary>The CRM's values and the matched record go back into the prospects, marked as this sync's own write.</summary>
    private async Task WriteBack(List<ProspectSync> prospects, CancellationToken cancellationToken)
    {
        var writes = new List<(ProspectSync Prospect, SyncWriteBack Write)>();
        foreach (var prospect in prospects.Where(prospect => prospect.Prospect is not null && prospect.Result is not null))
        {
            var snapshot = prospect.Prospect!;
            var result = prospect.Result!;
            var syncId = prospect.Requests.MaxBy(pending => pending.Request.Version)!.Request.SyncId;
            if (result.Outcome == SyncOutcome.CrmRecordDeleted && !snapshot.CrmDeleted)
            {
                writes.Add((prospect, new SyncWriteBack { ProspectId = snapshot.Id, SyncId = syncId, CrmDeleted = true }));
                continue;
            }
            if (result.Outcome != SyncOutcome.Synced)
                continue;

            var fields = prospect.Merge?.ProspectChanges ?? new Dictionary<string, string>();
            var assignedUser = prospect.Merge?.AssignedUser;
            var recordChanged = !string.Equals(snapshot.CrmRecordId, result.RecordId, StringComparison.Ordinal) || snapshot.CrmObjectType != result.Type;
            if (fields.Count == 0 && assignedUser is null && !recordChanged)
                continue;
            writes.Add((prospect, new SyncWriteBack
            {
                ProspectId = snapshot.Id,
                SyncId = syncId,
                Fields = fields.ToDictionary(entry => entry.Key, entry => (string?)entry.Value),
                AssignedUser = assignedUser,
                ReadValues = ReadValues(snapshot, fields.Keys, assignedUser is not null),
                CrmRecordId = recordChanged ? result.RecordId : null,
                CrmObjectType = recordChanged ? result.Type : null,
            }));
        }

        if (writes.Count == 0)
            return;
        try
        {
            await editor.ApplySyncWrites([.. writes.Select(entry => entry.Write)], cancellationToken);
        }
        catch (ProspectEditorException refused) when (refused.Status == HttpStatusCode.BadRequest && RefusedWrites(refused) is { Count: > 0 } refusals)
        {
            // prospect-editor refused some of the CRM's values (longer than a prospect field holds, say): those prospects
            // fail alone, and the rest of the batch is written back.
            foreach (var (index, members) in refusals)
            {
                if (index < writes.Count)
                    writes[index].Prospect.Fail(new CrmError("PROSPECT_WRITE_REFUSED",
                        $"prospect-editor refused the CRM's values: {string.Join("; ", members.Select(member => $"{member.Name}: {member.Reason}"))}",
                        [.. members.Select(member => member.Name)]), "writing the CRM's values back into the prospect");
            }
            var accepted = writes.Where((_, index) => !refusals.ContainsKey(index)).Select(entry => entry.Write).ToList();
            if (accepted.Count > 0)
                await editor.ApplySyncWrites(accepted, cancellationToken);
        }
    }

    /// <summary>The writes a 400 from prospect-editor names ("writes[3].fields.Company"), each with its refused members.</summary>
    private static Dictionary<int, List<(string Name, string Reason)>> RefusedWrites(ProspectEditorException refused)
    {
        var byWrite = new Dictionary<int, List<(string Name, string Reason)>>();
        foreach (var (member, reasons) in refused.Errors ?? new Dictionary<string, string[]>())
        {
            if (RefusedWriteMember().Match(member) is not { Success: true } match)
                return [];
            var index = int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture);
            byWrite.TryAdd(index, []);
            byWrite[index].Add((match.Groups["member"].Value, string.Join(" ", reasons)));
        }
        return byWrite;
    }

    [GeneratedRegex(@"^writes\[(?<index>\d+)\]\.(?:fields\.)?(?<member>.+)$")]
    private static partial Regex RefusedWriteMember();

    /// <summary>What this batch read of the fields it writes back, so prospect-editor leaves alone any that changed since.</summary>
    private static Dictionary<string, string?> ReadValues(ProspectDto snapshot, IEnumerable<string> fields, bool writesAssignedUser)
    {
        var read = fields.ToDictionary(field => field, field => snapshot.Fields.GetValueOrDefault(field), StringComparer.Ordinal);
        if (writesAssignedUser)
            read[FieldMappingOptions.AssignedUser] = snapshot.AssignedUser;
        return read;
    }

    /// <summary>Once both sides hold the merged values (the CRM written, the prospect written back), they are the next merge base.</summary>
    private async Task KeepMergeBases(List<ProspectSync> prospects)
    {
        var now = time.GetUtcNow();
        var agreed = prospects
            .Where(prospect => prospect.Result is { Outcome: SyncOutcome.Synced, RecordId: not null } && prospect.Merge is not null)
            .Select(prospect => new MergeBase(prospect.ProspectId, prospect.Result!.RecordId!, prospect.Merge!.Agreed, now))
            .ToList();
        if (agreed.Count > 0)
            await mergeBases.Save(agreed, options.Value.RememberMergeBaseFor);
    }

    private async Task<List<SyncCompleted>> Complete(List<ProspectSync> prospects, BatchReport report)
    {
        var now = time.GetUtcNow();
        var completions = prospects
            .SelectMany(prospect => prospect.Requests.Select(pending => new SyncCompleted
            {
                EventId = Guid.NewGuid(),
                ProspectId = prospect.ProspectId,
                OccurredAt = now,
                SyncId = pending.Request.SyncId,
                Version = pending.Request.Version,
                Outcome = prospect.Result!.Outcome,
                CrmObjectType = prospect.Result.Type,
                CrmRecordId = prospect.Result.RecordId,
                CrmLastModifiedDate = prospect.Result.LastModified,
                // What this sync read, before it wrote: the evaluator counts a change that joined the sync as synced by it.
                ProspectRevisionRead = prospect.Prospect?.Revision,
                CrmLastModifiedDateRead = prospect.Match?.Record?.LastModifiedDate,
                DoNotSyncRevision = prospect.Result.Outcome == SyncOutcome.SkippedDoNotSync ? prospect.Prospect?.Revision : null,
                Detail = prospect.Result.Detail,
            }))
            .ToList();

        var failures = prospects.Where(prospect => prospect.Error is not null).ToList();
        if (failures.Count > 0)
        {
            await errors.Record(failures.Select(prospect => new SyncErrorOccurrence(
                prospect.ProspectId, prospect.Requests.MaxBy(pending => pending.Request.Version)!.Request.SyncId,
                prospect.Error!.ErrorCode, prospect.Error.Message, prospect.Error.Fields, now)).ToList());
            foreach (var failure in failures)
                LogRecordFailed(failure.ProspectId, failure.Error!.ErrorCode, failure.Error.Message);
        }
        var settled = prospects.Where(prospect => prospect.Result!.Outcome is SyncOutcome.Synced or SyncOutcome.CrmRecordDeleted)
            .Select(prospect => prospect.ProspectId).ToList();
        await errors.Clear(settled);

        // Only after the error list holds the failures: a redelivery of a batch remembered as completed records nothing again.
        await state.RememberCompleted(completions, options.Value.RememberCompletedSyncsFor);

        foreach (var prospect in prospects)
        {
            report.Outcomes[prospect.Result!.Outcome] = report.Outcomes.GetValueOrDefault(prospect.Result.Outcome) + 1;
            if (prospect.Result.Outcome == SyncOutcome.Synced && prospect.Merge?.Conflicts is { Count: > 0 } conflicts)
            {
                report.Conflicts += conflicts.Count;
                LogConflicts(prospect.ProspectId, string.Join(", ", conflicts.Select(conflict => conflict.ProspectField)),
                    conflicts[0].CrmKept ? "CRM record's" : "prospect's");
            }
        }
        return completions;
    }

    private async Task Record(BatchReport report, Activity? activity)
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
            LogBatch(report.Prospects, report.Outcomes.Count == 0 ? "none" : string.Join(", ", report.Outcomes.Select(entry => $"{entry.Key} {entry.Value}")),
                report.Retried + report.Deferred, report.CrmCalls, report.Duration.TotalMilliseconds);
        }
    }

    private static ProspectResult Synced(ProspectSync prospect, CrmObjectType type, string recordId, DateTimeOffset? lastModified)
    {
        var detail = prospect.Match!.Kind == CrmMatchKind.NewLead ? $"created Lead {recordId}" : $"matched {prospect.Match.Description}";
        if (prospect.Merge?.Conflicts is { Count: > 0 } conflicts)
        {
            // The record dates settle every conflict of one prospect the same way.
            detail += $"; conflict: both sides changed {string.Join(", ", conflicts.Select(conflict => $"{conflict.ProspectField} ({conflict.CrmField})"))} " +
                $"since the last sync, and the {(conflicts[0].CrmKept ? "CRM record's values were kept (the record changed last)" : "prospect's values were kept (the prospect changed last)")}";
        }
        return new(SyncOutcome.Synced, type, recordId, lastModified, detail);
    }

    private static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        CrmTransientException or HttpRequestException or TimeoutException or RedisConnectionException or RedisTimeoutException => true,
        // Refused credentials are the configuration's fault, not the prospects': the batch waits in the retry queues until
        // an operator mends them, instead of failing every prospect of the backlog.
        CrmRequestException { Status: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } => true,
        ProspectEditorException editorError => editorError.Transient || editorError.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
        // An HttpClient timeout, not the batch being cancelled.
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private static SyncKey Key(SyncRequested request) => new(request.ProspectId, request.SyncId, request.Version);

    [LoggerMessage(LogLevel.Information,
        "Batch done: {ProspectCount} prospects finished ({Outcomes}), {PutBackCount} requests sent to retry or back to the queue; {CrmCalls} charged CRM calls in {ElapsedMs:0} ms")]
    private partial void LogBatch(int prospectCount, string outcomes, int putBackCount, int crmCalls, double elapsedMs);

    [LoggerMessage(LogLevel.Information, "Prospect {ProspectId}: both sides changed {ConflictingFields} since its last sync; the {KeptSide} values were kept, that side having changed last")]
    private partial void LogConflicts(long prospectId, string conflictingFields, string keptSide);

    [LoggerMessage(LogLevel.Information, "{DuplicateCount} sync requests were already synced; their completions are published again")]
    private partial void LogDuplicates(int duplicateCount);

    [LoggerMessage(LogLevel.Information, "{ProspectCount} prospects are being synced by another batch; postponed to the first retry step")]
    private partial void LogPostponed(int prospectCount);

    [LoggerMessage(LogLevel.Warning, "{RequestCount} sync requests go back to the queue and consuming pauses: {Reason}")]
    private partial void LogDeferred(int requestCount, string reason);

    [LoggerMessage(LogLevel.Warning, "{RequestCount} sync requests sent to retry (attempt {Attempt}) after {ErrorType}: {Reason}")]
    private partial void LogRetrying(int requestCount, int attempt, string errorType, string reason);

    [LoggerMessage(LogLevel.Error, "The CRM refused the request of {ProspectCount} prospects with {ErrorCode}: {Reason}")]
    private partial void LogRequestRefused(int prospectCount, string errorCode, string reason);

    [LoggerMessage(LogLevel.Warning, "Prospect {ProspectId} failed to sync with {ErrorCode}: {Reason}; it is on the sync-error list")]
    private partial void LogRecordFailed(long prospectId, string errorCode, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} records of the batch go to retry: the CRM answered {ErrorCode}, which a retry mends")]
    private partial void LogRecordsRetried(int count, string errorCode);

    private sealed class ProspectSync(long prospectId, List<PendingSync> requests)
    {
        public long ProspectId { get; } = prospectId;

        public List<PendingSync> Requests { get; } = requests;

        public ProspectDto? Prospect { get; set; }

        public CrmMatch? Match { get; set; }

        public FieldMerge? Merge { get; set; }

        public CrmRecord? Create { get; set; }

        public CrmRecord? Update { get; set; }

        public ProspectResult? Result { get; set; }

        /// <summary>Why the prospect failed, its message already without e-mail addresses: it is stored, logged and published.</summary>
        public CrmError? Error { get; private set; }

        /// <summary>The CRM could not write this record now for a reason a retry mends: it is synced again later, not failed.</summary>
        public CrmError? RetryReason { get; private set; }

        public void RetryLater(CrmError reason) => RetryReason = reason;

        public void Fail(CrmError error, string context)
        {
            Error = error with { Message = EmailRedaction.WithoutEmails(error.Message) };
            Result = new ProspectResult(SyncOutcome.Failed, Update?.Type ?? Match?.Record?.Type, Update?.Id ?? Match?.Record?.Id, null,
                $"{Error.ErrorCode}: {Error.Message} ({context})");
        }
    }

    private sealed record ProspectResult(SyncOutcome Outcome, CrmObjectType? Type, string? RecordId, DateTimeOffset? LastModified, string Detail);
}

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
