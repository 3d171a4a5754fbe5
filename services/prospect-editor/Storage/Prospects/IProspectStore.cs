using Sync.Contracts;
using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Storage;

/// <summary>
/// Where prospects live, with their transactional outbox: a prospect is only ever written together with the
/// <see cref="ProspectChanged"/> that announces it, and an e-mail address belongs to one prospect id.
/// </summary>
public interface IProspectStore
{
    Task<Prospect?> Get(long prospectId, CancellationToken cancellationToken);

    /// <summary>The prospects that exist among <paramref name="prospectIds"/>, in the order asked.</summary>
    Task<IReadOnlyList<Prospect>> GetMany(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken);

    /// <summary>The id the normalised address is claimed by, if any. The prospect itself may not be written yet.</summary>
    Task<long?> FindClaim(string email, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the normalised address for a newly allocated id, atomically: of any number of racing callers, one
    /// allocates and all get the same id. <see cref="EmailClaim.Claimed"/> is true for the caller whose claim stood.
    /// </summary>
    Task<EmailClaim> Claim(string email, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the prospect and puts <paramref name="change"/> in its outbox, both or neither, when the stored revision is
    /// still <paramref name="expectedRevision"/> (0: no prospect yet). False when another write came first.
    /// </summary>
    Task<bool> TryWrite(Prospect prospect, long expectedRevision, ProspectChanged change, CancellationToken cancellationToken);

    /// <summary>The highest prospect id ever allocated; ids run from 1 to it, with gaps where a claim lost a race.</summary>
    Task<long> HighestId(CancellationToken cancellationToken);

    /// <summary>Prospects whose outbox may hold events, last marked before <paramref name="markedBefore"/> ago, oldest first.</summary>
    Task<IReadOnlyList<OutboxMark>> PendingOutboxes(TimeSpan markedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>How many prospects are marked as having outbox events, however recently.</summary>
    Task<long> PendingOutboxCount(CancellationToken cancellationToken);

    /// <summary>The events waiting in a prospect's outbox, in revision order.</summary>
    Task<IReadOnlyList<ProspectChanged>> ReadOutbox(long prospectId, CancellationToken cancellationToken);

    /// <summary>Removes published events from a prospect's outbox.</summary>
    Task Acknowledge(long prospectId, IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);

    /// <summary>Forgets the mark when the outbox is empty and nobody marked it again since; true when forgotten.</summary>
    Task<bool> ReleaseIfDrained(OutboxMark mark, CancellationToken cancellationToken);

    /// <summary>
    /// The prospects whose outbox holds events, a page per step of a full scan (a Redis SCAN over each primary, at most
    /// <paramref name="scanStep"/> keys looked at per step, so pages may be empty): what the orphan backstop walks.
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<long>> OutboxesWithEvents(int scanStep, CancellationToken cancellationToken);

    /// <summary>Marks, as due at once, those of the prospects that have no mark; marks that exist stay as they are. How many were marked.</summary>
    Task<int> MarkUnmarked(IReadOnlyList<long> prospectIds, CancellationToken cancellationToken);
}

public readonly record struct EmailClaim(long ProspectId, bool Claimed);

/// <summary>A prospect marked as having outbox events, and the mark's value when read (to release only an unchanged mark).</summary>
public readonly record struct OutboxMark(long ProspectId, double Score);
