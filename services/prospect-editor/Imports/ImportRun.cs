using Sync.Contracts;

namespace Sync.ProspectEditor.Imports;

/// <summary>
/// The running totals of one import, and the prospects it wrote that are not yet staged for <see cref="ProspectsImported"/>;
/// rows are recorded from several writers at once.
/// </summary>
public sealed class ImportRun(Guid importId, DateTimeOffset startedAt, IReadOnlyList<ImportColumn> columns, int maxErrors, string? importedBy)
{
    private readonly Lock _lock = new();
    private readonly List<ImportRowError> _errors = [];
    /// <summary>Prospects written and not yet staged, each with the highest revision the import wrote (0: none).</summary>
    private readonly Dictionary<long, long> _pending = [];
    private long _created;
    private long _updated;
    private long _unchanged;
    private long _rejected;
    private long _synced;

    public Guid ImportId { get; } = importId;

    public string ChangedBy { get; } = importedBy is { Length: > 0 } ? $"import {importId:N} by {importedBy}" : $"import {importId:N}";

    public long Rows { get; set; }

    public long LastLine { get; set; }

    public int PartsPublished { get; private set; }

    /// <summary>Parts staged and not (yet) seen confirmed: the relay publishes them.</summary>
    public int PartsAwaitingBroker { get; private set; }

    public bool BrokerAway { get; set; }

    public int PendingCount
    {
        get
        {
            lock (_lock)
                return _pending.Count;
        }
    }

    public void Reject(ImportRowError rejection)
    {
        lock (_lock)
        {
            _rejected++;
            if (_errors.Count < maxErrors)
                _errors.Add(rejection);
        }
    }

    public void Record(RowOutcome outcome)
    {
        lock (_lock)
        {
            _pending[outcome.ProspectId] = Math.Max(_pending.GetValueOrDefault(outcome.ProspectId), outcome.Revision);
            switch (outcome.Result)
            {
                case RowResult.Created: _created++; break;
                case RowResult.Updated: _updated++; break;
                default: _unchanged++; break;
            }
        }
    }

    /// <summary>
    /// The next message's worth of pending ids, with their revisions in the same order; they stay pending until
    /// <see cref="PartStaged"/>.
    /// </summary>
    public (IReadOnlyList<long> Ids, IReadOnlyList<long> Revisions) NextPart()
    {
        lock (_lock)
        {
            var part = _pending.OrderBy(entry => entry.Key).Take(ProspectsImported.MaxProspectsPerMessage).ToList();
            return (part.Select(entry => entry.Key).ToList(), part.Select(entry => entry.Value).ToList());
        }
    }

    public void PartStaged(IReadOnlyList<long> ids)
    {
        lock (_lock)
        {
            foreach (var id in ids)
                _pending.Remove(id);
            _synced += ids.Count;
            PartsAwaitingBroker++;
        }
    }

    public void PartPublished()
    {
        lock (_lock)
        {
            PartsAwaitingBroker--;
            PartsPublished++;
        }
    }

    public ImportReport Report(ImportStatus status, string? failure, DateTimeOffset now)
    {
        lock (_lock)
        {
            return new ImportReport
            {
                ImportId = ImportId,
                Status = status,
                StartedAt = startedAt,
                FinishedAt = status == ImportStatus.Running ? null : now,
                Columns = columns.Select(column => column.Target).ToList(),
                Rows = Rows,
                Created = _created,
                Updated = _updated,
                Unchanged = _unchanged,
                Rejected = _rejected,
                ProspectsSynced = _synced,
                PartsPublished = PartsPublished,
                PartsAwaitingBroker = PartsAwaitingBroker,
                LastLine = LastLine,
                Errors = _errors.OrderBy(error => error.Line).ToList(),
                ErrorsNotListed = Math.Max(0, _rejected - _errors.Count),
                Failure = failure,
            };
        }
    }
}
