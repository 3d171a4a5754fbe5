using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Imports;
using Sync.ServiceDefaults.Storage;

namespace Sync.ProspectEditor.Storage;

/// <summary>Import reports and staged parts in memory, for the embedded host: the same contract as <see cref="RedisImportStore"/>, report expiry included.</summary>
public sealed class InMemoryImportStore(IOptions<ImportOptions> imports, TimeProvider time) : IImportStore
{
    private readonly ExpiringDictionary<Guid, ImportReport> _reports = new(time);
    private readonly ConcurrentDictionary<Guid, ProspectsImported> _staged = new();

    public Task SaveReport(ImportReport report, CancellationToken cancellationToken)
    {
        _reports.Set(report.ImportId, report, imports.Value.ReportsKeptFor);
        return Task.CompletedTask;
    }

    public Task<ImportReport?> GetReport(Guid importId, CancellationToken cancellationToken) =>
        Task.FromResult(_reports.TryGetValue(importId, out var report) ? report : null);

    public Task Stage(ProspectsImported part, CancellationToken cancellationToken)
    {
        _staged[part.EventId] = part;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProspectsImported>> Staged(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProspectsImported>>(_staged.Values.OrderBy(part => part.OccurredAt).Take(limit).ToList());

    public Task<long> StagedCount(CancellationToken cancellationToken) => Task.FromResult((long)_staged.Count);

    public Task Unstage(Guid eventId, CancellationToken cancellationToken)
    {
        _staged.TryRemove(eventId, out _);
        return Task.CompletedTask;
    }
}
