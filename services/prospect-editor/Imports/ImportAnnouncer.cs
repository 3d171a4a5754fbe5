using Sync.Contracts;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Messaging;

namespace Sync.ProspectEditor.Imports;

/// <summary>
/// Announces an import's prospects in <see cref="ProspectsImported"/> parts of at most
/// <see cref="ProspectsImported.MaxProspectsPerMessage"/>, each with the revisions the import wrote: every part is staged in
/// the import outbox first, then published with confirms and unstaged; with the broker away, the relay publishes what is
/// staged. A prospect leaves the run only once staged, so no stop ever drops its forced sync.
/// </summary>
public sealed partial class ImportAnnouncer(ConfirmedPublisher publisher, IImportStore imports, TimeProvider time, ILogger<ImportAnnouncer> logger)
{
    /// <summary>Announces every full part the run holds, leaving fewer than one message's worth pending.</summary>
    public async Task AnnounceFullParts(ImportRun run, CancellationToken cancellationToken)
    {
        while (run.PendingCount >= ProspectsImported.MaxProspectsPerMessage)
            await AnnouncePart(run, cancellationToken);
    }

    /// <summary>Stages up to one message's worth of the ids written so far, then publishes it with confirms.</summary>
    public async Task AnnouncePart(ImportRun run, CancellationToken cancellationToken)
    {
        if (await StagePart(run) is not { } part || run.BrokerAway)
            return;
        try
        {
            await publisher.Publish(part, cancellationToken);
            await imports.Unstage(part.EventId, cancellationToken);
            run.PartPublished();
        }
        catch (BrokerUnavailableException exception)
        {
            // The import goes on: its parts wait in the import outbox, and the relay publishes them when the broker is back.
            run.BrokerAway = true;
            LogBrokerAway(exception, run.ImportId);
        }
    }

    /// <summary>After a failure: stages (never publishes) every id still pending; false when the store could not take them.</summary>
    public async Task<bool> TryStagePending(ImportRun run)
    {
        try
        {
            while (await StagePart(run) is not null)
            {
            }
            return true;
        }
        catch (Exception exception)
        {
            LogPendingNotStaged(exception, run.ImportId, run.PendingCount);
            return false;
        }
    }

    /// <summary>
    /// Stages the next part of the ids written so far in the import outbox, from which the relay publishes whatever the
    /// import does not. Not cancellable: ids leave the run only once staged, so a stop never drops a forced sync.
    /// </summary>
    private async Task<ProspectsImported?> StagePart(ImportRun run)
    {
        var (ids, revisions) = run.NextPart();
        if (ids.Count == 0)
            return null;
        var part = new ProspectsImported
        {
            EventId = Guid.NewGuid(), ImportId = run.ImportId, OccurredAt = time.GetUtcNow(), ProspectIds = ids, Revisions = revisions,
        };
        await imports.Stage(part, CancellationToken.None);
        run.PartStaged(ids);
        return part;
    }

    [LoggerMessage(EventId = 5207, Level = LogLevel.Error, Message = "Import {ImportId}: the forced sync of {ProspectCount} prospects could not be staged")]
    private partial void LogPendingNotStaged(Exception exception, Guid importId, int prospectCount);

    [LoggerMessage(EventId = 5208, Level = LogLevel.Warning, Message = "Import {ImportId}: the broker did not confirm; its ProspectsImported parts wait in the outbox")]
    private partial void LogBrokerAway(Exception exception, Guid importId);
}
