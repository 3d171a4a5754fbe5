namespace Sync.SyncWorker.Storage.MergeBases;

/// <summary>
/// The merge base of each prospect: the mapped field values both sides held after its last successful sync, and the CRM
/// record they were agreed with. Against it a sync tells which side changed a field since: one side's change is kept
/// whatever the record-level dates say; a change on both sides is a true conflict. A prospect without a base (never
/// synced by this worker, or not for longer than <c>SyncWorker:RememberMergeBaseFor</c>) is merged by the record-level rule.
/// </summary>
public interface IMergeBaseStore
{
    /// <summary>The bases of these prospects; a prospect without one is left out.</summary>
    Task<IReadOnlyDictionary<long, MergeBase>> Find(IReadOnlyCollection<long> prospectIds);

    /// <summary>Replaces the bases of these prospects, each kept for <paramref name="retention"/> from now.</summary>
    Task Save(IReadOnlyCollection<MergeBase> bases, TimeSpan retention);
}

/// <param name="CrmRecordId">The record the values were agreed with: against another record (a re-match, a converted Lead's Contact) they mean nothing.</param>
/// <param name="Values">Prospect field → the value both sides held, trimmed; null when the field was blank on both.</param>
public sealed record MergeBase(long ProspectId, string CrmRecordId, IReadOnlyDictionary<string, string?> Values, DateTimeOffset AgreedAt);
