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

    public const int MaxProspectsPerMessage = 1000;
}
