namespace Sync.Contracts;

/// <summary>
/// Prospects created or updated by a CSV import. An import forces a sync of every prospect in the file,
/// changed or not. A large import is published as several of these, each with its own event id.
/// </summary>
public sealed record ProspectsImported
{
    public required Guid EventId { get; init; }

    public required Guid ImportId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The prospects of this part of the import: at most <see cref="MaxProspectsPerMessage"/>.</summary>
    public required IReadOnlyList<long> ProspectIds { get; init; }

    /// <summary>
    /// Each prospect's revision as the import wrote it, in the order of <see cref="ProspectIds"/> and as many (a message with
    /// another count goes to the error queue); 0 for a prospect whose rows changed nothing. With it, a sync that read the
    /// prospect at that revision or later read it after the import's write and so covers the import: a new prospect's forced
    /// sync and its creation cost one sync, not two. A revision the import only found proves no such thing (a sync may have
    /// read it before the import), so an unchanged prospect gets 0 and its forced sync is a sync of its own, as the article
    /// says. Optional: without it no read covers the import.
    /// </summary>
    public IReadOnlyList<long>? Revisions { get; init; }

    public const int MaxProspectsPerMessage = 1000;
}
