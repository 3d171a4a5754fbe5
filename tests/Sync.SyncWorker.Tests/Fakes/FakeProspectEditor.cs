using System.Net;
using Sync.Clients.ProspectEditor;

namespace Sync.SyncWorker.Tests.Fakes;

/// <summary>prospect-editor in memory: the prospects the worker reads, and every write-back it sends (with its SyncId).</summary>
public sealed class FakeProspectEditor : IProspectEditorClient
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, ProspectDto> _prospects = [];

    public List<SyncWriteBack> WriteBacks { get; } = [];

    public int GetManyCalls { get; private set; }

    public int WriteBackCalls { get; private set; }

    /// <summary>The next this-many calls answer 503.</summary>
    public int FailNextCalls { get; set; }

    /// <summary>A validation rule for write-backs: a refused write answers the whole call 400, naming it and its field, as prospect-editor does.</summary>
    public Func<SyncWriteBack, (string Field, string Reason)?>? ValidateWriteBack { get; set; }

    public ProspectDto Add(long id, string email, IReadOnlyDictionary<string, string?>? fields = null, DateTimeOffset? updatedAt = null,
        string? assignedUser = null, bool doNotSync = false, string? crmRecordId = null, Contracts.CrmObjectType? crmObjectType = null)
    {
        var at = updatedAt ?? DateTimeOffset.UtcNow;
        var prospect = new ProspectDto
        {
            Id = id,
            Email = email,
            Fields = fields ?? new Dictionary<string, string?>(),
            AssignedUser = assignedUser,
            DoNotSync = doNotSync,
            CrmRecordId = crmRecordId,
            CrmObjectType = crmObjectType,
            Revision = 1,
            CreatedAt = at,
            UpdatedAt = at,
        };
        lock (_lock)
            _prospects[id] = prospect;
        return prospect;
    }

    public ProspectDto Get(long id)
    {
        lock (_lock)
            return _prospects[id];
    }

    public void Update(long id, Func<ProspectDto, ProspectDto> change)
    {
        lock (_lock)
            _prospects[id] = change(_prospects[id]);
    }

    public IReadOnlyList<SyncWriteBack> WriteBacksOf(long id)
    {
        lock (_lock)
            return WriteBacks.Where(write => write.ProspectId == id).ToList();
    }

    public Task<ProspectLookupResult> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            FailIfAsked();
            GetManyCalls++;
            return Task.FromResult(new ProspectLookupResult(
                prospectIds.Where(_prospects.ContainsKey).Select(id => _prospects[id]).ToList(),
                prospectIds.Where(id => !_prospects.ContainsKey(id)).ToList()));
        }
    }

    public Task<SyncWriteBackResult> ApplySyncWrites(IReadOnlyList<SyncWriteBack> writes, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            FailIfAsked();
            WriteBackCalls++;
            var refused = writes.Select((write, index) => (Index: index, Problem: ValidateWriteBack?.Invoke(write)))
                .Where(entry => entry.Problem is not null)
                .ToDictionary(entry => $"writes[{entry.Index}].fields.{entry.Problem!.Value.Field}", entry => new[] { entry.Problem!.Value.Reason });
            if (refused.Count > 0)
                throw new ProspectEditorException(HttpStatusCode.BadRequest, "One or more validation errors occurred.") { Errors = refused };
            var applied = new List<ProspectDto>();
            foreach (var write in writes)
            {
                WriteBacks.Add(write);
                if (!_prospects.TryGetValue(write.ProspectId, out var prospect))
                    continue;
                var fields = new Dictionary<string, string?>(prospect.Fields);
                foreach (var (name, value) in write.Fields)
                    fields[name] = value;
                prospect = prospect with
                {
                    Fields = fields,
                    AssignedUser = write.AssignedUser ?? prospect.AssignedUser,
                    CrmRecordId = write.CrmRecordId ?? prospect.CrmRecordId,
                    CrmObjectType = write.CrmObjectType ?? prospect.CrmObjectType,
                    CrmDeleted = write.CrmDeleted ?? prospect.CrmDeleted,
                    Revision = prospect.Revision + 1,
                };
                _prospects[write.ProspectId] = prospect;
                applied.Add(prospect);
            }
            return Task.FromResult(new SyncWriteBackResult(applied, writes.Select(write => write.ProspectId).Where(id => !_prospects.ContainsKey(id)).ToList()));
        }
    }

    public Task<ResolvedProspect> Resolve(ResolveProspectRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ProspectDto?> Get(long prospectId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ProspectDto?> FindByEmail(string email, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ProspectDto?> Unsubscribe(long prospectId, CancellationToken cancellationToken) => throw new NotSupportedException();

    private void FailIfAsked()
    {
        if (FailNextCalls <= 0)
            return;
        FailNextCalls--;
        throw new ProspectEditorException(HttpStatusCode.ServiceUnavailable, "prospect-editor is restarting");
    }
}
