using System.Collections.Concurrent;
using System.Net;
using Sync.Clients.ProspectEditor;

namespace Sync.CrmChangeListener.Tests.Support;

/// <summary>prospect-editor as the listener sees it: prospects findable by e-mail address, and failures on demand.</summary>
public sealed class FakeProspectEditor : IProspectEditorClient
{
    private readonly ConcurrentDictionary<string, long> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private int _failNext;

    public int Lookups;

    public void Add(string email, long prospectId) => _byEmail[email] = prospectId;

    /// <summary>The next <paramref name="count"/> lookups answer 503, as a prospect-editor that is restarting does.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failNext, count);

    public Task<ProspectDto?> FindByEmail(string email, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Lookups);
        if (Interlocked.Decrement(ref _failNext) >= 0)
            throw new ProspectEditorException(HttpStatusCode.ServiceUnavailable, "restarting");
        return Task.FromResult(_byEmail.TryGetValue(email, out var id)
            ? new ProspectDto { Id = id, Email = email, Revision = 1, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow }
            : null);
    }

    public Task<ResolvedProspect> Resolve(ResolveProspectRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ProspectDto?> Get(long prospectId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ProspectLookupResult> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ProspectDto?> Unsubscribe(long prospectId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<SyncWriteBackResult> ApplySyncWrites(IReadOnlyList<SyncWriteBack> writes, CancellationToken cancellationToken) => throw new NotSupportedException();
}
