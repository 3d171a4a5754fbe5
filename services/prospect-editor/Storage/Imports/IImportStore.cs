using Sync.Contracts;
using Sync.ProspectEditor.Imports;

namespace Sync.ProspectEditor.Storage;

/// <summary>
/// Import reports, kept Import:ReportsKeptFor after they were last saved so an operator can read what an import did, and the import's outbox: each
/// <see cref="ProspectsImported"/> is staged here before it is published and removed once the broker confirmed it.
/// </summary>
public interface IImportStore
{
    Task SaveReport(ImportReport report, CancellationToken cancellationToken);

    Task<ImportReport?> GetReport(Guid importId, CancellationToken cancellationToken);

    Task Stage(ProspectsImported part, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProspectsImported>> Staged(int limit, CancellationToken cancellationToken);

    Task<long> StagedCount(CancellationToken cancellationToken);

    Task Unstage(Guid eventId, CancellationToken cancellationToken);
}
