namespace Sync.ProspectEditor.Imports;

/// <summary>What an import did, row by row in aggregate, with each rejected row's line and reason.</summary>
public sealed record ImportReport
{
    public required Guid ImportId { get; init; }

    public required ImportStatus Status { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The columns of the header, as the fields they were mapped to.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>Data rows read (blank lines aside).</summary>
    public long Rows { get; init; }

    public long Created { get; init; }

    public long Updated { get; init; }

    /// <summary>Rows whose prospect already held every value: nothing written, but still synced.</summary>
    public long Unchanged { get; init; }

    public long Rejected { get; init; }

    /// <summary>Prospects announced in <c>ProspectsImported</c> (each forces a sync).</summary>
    public long ProspectsSynced { get; init; }

    /// <summary>ProspectsImported messages confirmed by the broker, and those staged while it was away (the relay publishes them).</summary>
    public int PartsPublished { get; init; }

    public int PartsAwaitingBroker { get; init; }

    /// <summary>The physical line the import reached.</summary>
    public long LastLine { get; init; }

    public IReadOnlyList<ImportRowError> Errors { get; init; } = [];

    /// <summary>Rejected rows beyond those listed in <see cref="Errors"/>.</summary>
    public long ErrorsNotListed { get; init; }

    /// <summary>Why the import stopped, when it failed.</summary>
    public string? Failure { get; init; }
}

/// <summary>A rejected row: the physical line its record starts on, the column at fault if one, and why.</summary>
public sealed record ImportRowError(long Line, string? Column, string Reason);
