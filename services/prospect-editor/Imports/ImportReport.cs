using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Sync.ProspectEditor.Imports;

/// <summary>The "Import" configuration section.</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest CSV file accepted, in bytes.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 1L << 30;

    /// <summary>The longest record, in characters; longer ones are almost always an unclosed quote.</summary>
    [Range(256, 16 << 20)]
    public int MaxRecordLength { get; set; } = 256 * 1024;

    /// <summary>Rows read before they are written together, at most <see cref="Concurrency"/> at a time.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    [Range(1, 256)]
    public int Concurrency { get; set; } = 32;

    /// <summary>Row errors kept in the report; the rest are counted.</summary>
    [Range(1, 100_000)]
    public int MaxErrorsReported { get; set; } = 1000;

    /// <summary>How long an import's report can be read (GET /imports/{id}) after it was last saved.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Import:ReportsKeptFor must be between 00:01:00 and 3650.00:00:00 (ten years).")]
    public TimeSpan ReportsKeptFor { get; set; } = TimeSpan.FromDays(30);
}

[JsonConverter(typeof(JsonStringEnumConverter<ImportStatus>))]
public enum ImportStatus
{
    Running,
    Completed,

    /// <summary>
    /// Stopped part-way (a record too long to read on, Redis unavailable, the upload cut off or cancelled): the rows before
    /// <see cref="ImportReport.LastLine"/> were imported, and their prospects are still synced; <see cref="ImportReport.Failure"/> says why.
    /// </summary>
    Failed,
}

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
