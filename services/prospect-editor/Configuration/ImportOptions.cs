using System.ComponentModel.DataAnnotations;

namespace Sync.ProspectEditor.Configuration;

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
