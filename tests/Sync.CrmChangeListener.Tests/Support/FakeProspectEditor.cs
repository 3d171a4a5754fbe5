using System.Collections.Concurrent;
using System.Net;
using Sync.Clients.ProspectEditor;

namespace Sync.CrmChangeListener.Tests.Support;

/// <summary>
/// prospect-editor as the listener sees it, through <see cref="IProspectEditorClient"/>'s contract: null when no prospect
/// has the address, <see cref="ProspectEditorException"/> when prospect-editor answers with an error; failures on demand.
/// </summary>
public sealed class FakeProspectEditor : IProspectEditorClient
{
    private readonly ConcurrentDictionary<string, long> _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();
    private ProspectEditorException? _failure;
    private int _failuresLeft;
    private int _lookups;

    /// <summary>Lookups asked so far, failed ones included.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

    public void Add(string email, long prospectId) => _byEmail[email] = prospectId;

    /// <summary>The next <paramref name="count"/> lookups answer 503, as a prospect-editor that is restarting does.</summary>
    public void FailNext(int count) => Fail(HttpStatusCode.ServiceUnavailable, "restarting", count);

    /// <summary>Lookups answer <paramref name="status"/> (a refused key, a wrong URL...) until <see cref="Recover"/>, or <paramref name="times"/> times.</summary>
    public void Fail(HttpStatusCode status, string body, int times = int.MaxValue)
    {
        lock (_lock)
        {
            _failure = new ProspectEditorException(status, body);
            _failuresLeft = times;
        }
    }

    public void Recover()
    {
        lock (_lock)
            _failure = null;
    }

    public Task<ProspectDto?> FindByEmail(string email, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        lock (_lock)
        {
            if (_failure is { } failure && _failuresLeft-- > 0)
                throw failure;
        }
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
