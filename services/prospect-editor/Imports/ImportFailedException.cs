namespace Sync.ProspectEditor.Imports;

/// <summary>An import stopped by a failure (Redis, the upload, a cancellation); <see cref="Report"/> is its Failed report.</summary>
public sealed class ImportFailedException(ImportReport report, Exception inner)
    : Exception(report.Failure, inner)
{
    public ImportReport Report { get; } = report;
}
