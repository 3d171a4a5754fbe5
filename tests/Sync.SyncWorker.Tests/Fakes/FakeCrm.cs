using System.Globalization;
using Sync.Clients.Crm;
using Sync.Contracts;

namespace Sync.SyncWorker.Tests.Fakes;

/// <summary>
/// An in-memory CRM behind <see cref="ICrmClient"/>: Leads and Contacts by id, a daily allowance charged per call,
/// Lead conversion and deletion, and faults on demand. Counts every call so tests can hold the worker to its budget.
/// </summary>
public sealed class FakeCrm : ICrmClient
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CrmRecord> _records = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
    private int _nextId = 1;
    private DateTimeOffset _clock = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int Limit { get; private set; } = 1_000_000;

    public int Used { get; private set; }

    public DateTimeOffset ResetsAt { get; private set; } = DateTimeOffset.UtcNow.AddHours(12);

    public int LookupCalls { get; private set; }

    public int WriteCalls { get; private set; }

    public int RefusedForLimit { get; private set; }

    /// <summary>Records written per write call, in order.</summary>
    public List<int> WriteSizes { get; } = [];

    /// <summary>The next this-many charged calls fail with a 5xx.</summary>
    public int FailNextCalls { get; set; }

    /// <summary>Refuses the next write call as a whole with this, as the CRM refuses a request it cannot parse.</summary>
    public CrmRequestException? RefuseNextWrite { get; set; }

    /// <summary>While set, every charged call is refused with this, as the CRM refuses revoked credentials.</summary>
    public CrmRequestException? RefuseEveryCall { get; set; }

    /// <summary>Calls refused by <see cref="RefuseEveryCall"/>.</summary>
    public int RefusedCalls { get; private set; }

    /// <summary>A per-record validation rule: an error refuses that record alone.</summary>
    public Func<CrmRecord, CrmError?>? Validate { get; set; }

    public CrmApiUsage? LastKnownUsage { get; private set; }

    public int ChargedCalls
    {
        get
        {
            lock (_lock)
                return LookupCalls + WriteCalls;
        }
    }

    public CrmRecord Seed(CrmObjectType type, IReadOnlyDictionary<string, string?> fields, DateTimeOffset? lastModified = null)
    {
        lock (_lock)
        {
            var id = NewId(type);
            var all = new Dictionary<string, string?>(fields)
            {
                [CrmFields.Id] = id,
                [CrmFields.LastModifiedDate] = (lastModified ?? Tick()).ToString("O", CultureInfo.InvariantCulture),
            };
            var record = new CrmRecord { Id = id, Type = type, Fields = all };
            _records[id] = record;
            return record;
        }
    }

    public CrmRecord? Get(string id)
    {
        lock (_lock)
            return _records.GetValueOrDefault(id);
    }

    public IReadOnlyList<CrmRecord> WithEmail(string email)
    {
        lock (_lock)
            return _records.Values.Where(record => string.Equals(record.Email, email, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    public void Delete(string id)
    {
        lock (_lock)
        {
            _records.Remove(id);
            _deleted.Add(id);
        }
    }

    /// <summary>Converts a Lead: a Contact with its fields (and e-mail, unless another is given), the Lead marked converted.</summary>
    public CrmRecord Convert(string leadId, string? contactEmail = null)
    {
        lock (_lock)
        {
            var lead = _records[leadId];
            var fields = lead.Fields.Where(field => field.Key is not (CrmFields.Id or "Company" or "City" or "Country"))
                .ToDictionary(field => field.Key, field => field.Value);
            if (contactEmail is not null)
                fields[CrmFields.Email] = contactEmail;
            var contactId = NewId(CrmObjectType.Contact);
            fields[CrmFields.Id] = contactId;
            fields[CrmFields.LastModifiedDate] = Tick().ToString("O", CultureInfo.InvariantCulture);
            var contact = new CrmRecord { Id = contactId, Type = CrmObjectType.Contact, Fields = fields };
            _records[contactId] = contact;
            _records[leadId] = lead with
            {
                Fields = new Dictionary<string, string?>(lead.Fields)
                {
                    [CrmFields.IsConverted] = "true",
                    [CrmFields.ConvertedContactId] = contactId,
                    [CrmFields.LastModifiedDate] = Tick().ToString("O", CultureInfo.InvariantCulture),
                },
            };
            return contact;
        }
    }

    /// <summary>The allowance as an administrator sets it.</summary>
    public void SetAllowance(int limit, int used, DateTimeOffset? resetsAt = null)
    {
        lock (_lock)
        {
            Limit = limit;
            Used = used;
            ResetsAt = resetsAt ?? ResetsAt;
        }
    }

    public Task<CrmLookupResult> Lookup(CrmLookup lookup, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Charge();
            LookupCalls++;
            var emails = lookup.Emails.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var found = _records.Values
                .Where(record => (record.Type == CrmObjectType.Lead && lookup.LeadIds.Contains(record.Id!))
                    || (record.Type == CrmObjectType.Contact && lookup.ContactIds.Contains(record.Id!))
                    || (record.Email is { } email && emails.Contains(email)))
                .ToList();
            var missing = lookup.LeadIds.Concat(lookup.ContactIds).Where(_deleted.Contains).Distinct().ToList();
            return Task.FromResult(new CrmLookupResult
            {
                Leads = found.Where(record => record.Type == CrmObjectType.Lead).ToList(),
                Contacts = found.Where(record => record.Type == CrmObjectType.Contact).ToList(),
                MissingIds = missing,
                Usage = LastKnownUsage,
            });
        }
    }

    public Task<CrmWriteResult> Write(IReadOnlyList<CrmRecord> creates, IReadOnlyList<CrmRecord> updates, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (creates.Count + updates.Count > 200)
                throw new CrmRequestException("EXCEEDED_ID_LIMIT", [new CrmError("EXCEEDED_ID_LIMIT", "More than 200 records in one call.", [])]);
            Charge();
            if (RefuseNextWrite is { } refusal)
            {
                RefuseNextWrite = null;
                throw refusal;
            }
            WriteCalls++;
            WriteSizes.Add(creates.Count + updates.Count);
            return Task.FromResult(new CrmWriteResult(creates.Select(CreateOne).ToList(), updates.Select(UpdateOne).ToList()) { Usage = LastKnownUsage });
        }
    }

    public Task<CrmLimits> GetLimits(CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(new CrmLimits(new CrmApiUsage(Used, Limit), ResetsAt));
    }

    public Task<CrmChangePage> ReadChanges(long afterPosition, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The worker never reads the change feed.");

    private CrmSaveResult CreateOne(CrmRecord record)
    {
        var missing = new[] { "LastName", "Company" }.Where(field => string.IsNullOrWhiteSpace(record[field])).ToList();
        if (record.Type == CrmObjectType.Lead && missing.Count > 0)
            return new CrmSaveResult(null, false, [new CrmError("REQUIRED_FIELD_MISSING", $"Required fields are missing: [{string.Join(", ", missing)}]", missing)]);
        if (Validate?.Invoke(record) is { } error)
            return new CrmSaveResult(null, false, [error]);
        var id = NewId(record.Type);
        _records[id] = record with
        {
            Id = id,
            Fields = new Dictionary<string, string?>(record.Fields)
            {
                [CrmFields.Id] = id,
                [CrmFields.LastModifiedDate] = Tick().ToString("O", CultureInfo.InvariantCulture),
            },
        };
        return new CrmSaveResult(id, true, []);
    }

    private CrmSaveResult UpdateOne(CrmRecord record)
    {
        if (record.Id is null || !_records.TryGetValue(record.Id, out var current))
            return new CrmSaveResult(record.Id, false, [new CrmError("ENTITY_IS_DELETED", "entity is deleted", [])]);
        if (Validate?.Invoke(record) is { } error)
            return new CrmSaveResult(record.Id, false, [error]);
        var fields = new Dictionary<string, string?>(current.Fields);
        foreach (var (name, value) in record.Fields)
            fields[name] = value;
        fields[CrmFields.LastModifiedDate] = Tick().ToString("O", CultureInfo.InvariantCulture);
        _records[record.Id] = current with { Fields = fields };
        return new CrmSaveResult(record.Id, true, []);
    }

    private void Charge()
    {
        if (RefuseEveryCall is { } refusal)
        {
            RefusedCalls++;
            throw refusal;
        }
        if (FailNextCalls > 0)
        {
            FailNextCalls--;
            throw new CrmTransientException("The CRM answered 503 Service Unavailable.");
        }
        if (Used >= Limit)
        {
            RefusedForLimit++;
            LastKnownUsage = new CrmApiUsage(Used, Limit);
            throw new CrmRequestLimitExceededException(LastKnownUsage, ResetsAt);
        }
        Used++;
        LastKnownUsage = new CrmApiUsage(Used, Limit);
    }

    private string NewId(CrmObjectType type) =>
        string.Create(CultureInfo.InvariantCulture, $"{(type == CrmObjectType.Contact ? "003" : "00Q")}{_nextId++:D15}");

    private DateTimeOffset Tick() => _clock = _clock.AddSeconds(1);
}
