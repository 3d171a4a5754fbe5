using Sync.Clients.Crm;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Storage.Records;

/// <summary>
/// The CRM's records and its change feed. A commit writes records together with their feed entries, all or nothing, so the
/// feed never misses nor repeats a committed change; each record carries a version the commit checks (optimistic locking).
/// </summary>
public interface ICrmRecordStore
{
    Task<StoredRecord?> Get(string type, string id, CancellationToken cancellationToken);

    /// <summary>The records of these ids that exist (deleted ones included: they are tombstones), in no particular order.</summary>
    Task<IReadOnlyList<StoredRecord>> GetMany(string type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>Ids of records whose indexed <paramref name="field"/> holds one of <paramref name="values"/>, compared without case.</summary>
    Task<IReadOnlyList<string>> FindIds(string type, string field, IReadOnlyCollection<string> values, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> AllIds(string type, CancellationToken cancellationToken);

    /// <summary>Reserves <paramref name="count"/> consecutive record numbers of <paramref name="type"/>; returns the first.</summary>
    Task<long> ReserveSequence(string type, int count, CancellationToken cancellationToken);

    /// <summary>Applies every write and appends their feed entries in order, or — when a version does not match — nothing.</summary>
    Task<CommitResult> Commit(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken);

    /// <summary>Feed entries after <paramref name="afterPosition"/>, oldest first, with the head and the retention floor.</summary>
    Task<FeedPage> ReadFeed(long afterPosition, int limit, CancellationToken cancellationToken);
}

/// <summary>A record as stored: its stored fields (formulas excluded) by API name, canonical string values.</summary>
public sealed record StoredRecord(string Type, string Id, long Version, IReadOnlyDictionary<string, string?> Fields)
{
    public bool IsDeleted => Fields.GetValueOrDefault(SObjectSchema.IsDeleted) == "true";

    public string? this[string field] => Fields.GetValueOrDefault(field);
}

/// <summary>
/// One record's part of a commit. <see cref="ExpectedVersion"/> 0 means the record must not exist yet. <see cref="Fields"/>
/// null leaves the record as it is (a feed entry alone, as for a formula recalculation). <see cref="PreviousFields"/> are
/// the fields as read, so the store can move the record's index entries. <see cref="Change"/> is the feed entry, its
/// position still 0: the store gives it the next one.
/// </summary>
public sealed record RecordWrite(
    string Type,
    string Id,
    long ExpectedVersion,
    IReadOnlyDictionary<string, string?>? PreviousFields,
    IReadOnlyDictionary<string, string?>? Fields,
    CrmChange? Change);

public sealed record CommitResult(bool Committed, IReadOnlyList<long?> Positions, int? ConflictIndex)
{
    public static CommitResult Conflict(int index) => new(false, [], index);
}

/// <summary>
/// A page of the feed. <see cref="Floor"/> is the last position retention has removed: a reader after a position below
/// it has missed changes.
/// </summary>
public sealed record FeedPage(IReadOnlyList<CrmChange> Changes, long Head, long Floor);
