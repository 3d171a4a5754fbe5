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
    /// Each prospect's revision as the import wrote it (or found it, when its row changed nothing), in the order of
    /// <see cref="ProspectIds"/> and as many. With it, a sync that read the prospect at that revision or later covers the
    /// import, so the forced sync and the change it joins cost one sync, not two. Optional: without it the import is
    /// covered by no earlier read.
    /// </summary>
    public IReadOnlyList<long>? Revisions { get; init; }

    public const int MaxProspectsPerMessage = 1000;
}
