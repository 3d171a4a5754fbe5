using System.Text;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Observability;
using Sync.ProspectEditor.Storage;

namespace Sync.ProspectEditor.Imports;

/// <summary>The header could not be mapped: nothing was imported. Problems by column ("columns[3]").</summary>
public sealed record ImportRejected(IReadOnlyDictionary<string, string> Problems);

/// <summary>The result of an import: its report, or why its header was rejected.</summary>
public sealed record ImportOutcome(ImportReport? Report, ImportRejected? Rejected);

/// <summary>
/// Imports a CSV file as it streams in: a header row maps columns to fields (<see cref="ImportHeaderMapper"/>), each row
/// is parsed (<see cref="ImportRowParser"/>) and creates or updates the prospect with that address
/// (<see cref="ImportBatchWriter"/>), and every prospect in the file is announced in <see cref="ProspectsImported"/> as the
/// import proceeds (<see cref="ImportAnnouncer"/>), which forces its sync. Rows in error are reported by line and never stop
/// the others. Memory holds one batch of rows, whatever the file's size.
/// </summary>
public sealed partial class ProspectImporter(
    ImportBatchWriter rows,
    ImportAnnouncer announcer,
    ICustomFieldStore customFields,
    IImportStore imports,
    IOptions<ImportOptions> options,
    TimeProvider time,
    ILogger<ProspectImporter> logger)
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // The report is saved as the import goes, every this many batches, so GET /imports/{id} shows a long import's progress.
    private const int BatchesBetweenReports = 20;

    /// <summary>
    /// Runs the import to its end, or to a record too broken to read on (then the report says Failed). Any other failure
    /// throws <see cref="ImportFailedException"/> once the report says Failed; either way, every prospect written before
    /// the stop still has its forced sync, published or staged for the relay.
    /// </summary>
    public async Task<ImportOutcome> Import(Stream csv, string? importedBy, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var text = new StreamReader(csv, Utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        var reader = new CsvRecordReader(text, settings.MaxRecordLength);
        var header = await reader.Read(cancellationToken);
        var mapping = ImportHeaderMapper.Map(header, await customFields.Catalog(cancellationToken));
        if (!mapping.IsValid)
            return new ImportOutcome(null, new ImportRejected(mapping.Problems));

        var parser = new ImportRowParser(mapping.Columns);
        var run = new ImportRun(Guid.NewGuid(), time.GetUtcNow(), mapping.Columns, settings.MaxErrorsReported, importedBy);
        await imports.SaveReport(run.Report(ImportStatus.Running, null, time.GetUtcNow()), cancellationToken);
        using var activity = ProspectEditorTelemetry.ActivitySource.StartActivity("import");
        activity?.SetTag("sync.import.id", run.ImportId);
        LogStarted(run.ImportId, mapping.Columns.Count);

        string? stoppedBy = null;
        try
        {
            var batch = new List<ImportRow>(settings.BatchSize);
            var batchesWritten = 0;
            while (await reader.Read(cancellationToken) is { } record)
            {
                run.Rows++;
                run.LastLine = record.Line;
                if (record.EndsReading)
                {
                    run.Reject(new ImportRowError(record.Line, null, record.Error!));
                    stoppedBy = $"The import stopped at line {record.Line}: {record.Error}";
                    break;
                }
                var parsed = parser.Parse(record);
                if (parsed.Row is { } row)
                    batch.Add(row);
                else
                    run.Reject(parsed.Rejection!);
                if (batch.Count >= settings.BatchSize)
                {
                    await WriteBatch(batch, run, cancellationToken);
                    batch.Clear();
                    if (++batchesWritten % BatchesBetweenReports == 0)
                        await imports.SaveReport(run.Report(ImportStatus.Running, null, time.GetUtcNow()), cancellationToken);
                }
            }
            await WriteBatch(batch, run, cancellationToken);
            await announcer.AnnouncePart(run, cancellationToken);
        }
        catch (Exception exception)
        {
            var cancelled = exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
            var reason = cancelled ? "the upload was cancelled" : exception.Message;
            if (cancelled)
                LogCancelled(run.ImportId, run.LastLine);
            else
                LogFailed(exception, run.ImportId, run.LastLine);
            var failure = $"The import stopped after line {run.LastLine}: {reason}";
            if (!await announcer.TryStagePending(run))
                failure += " The forced sync of some prospects written before the stop could not be staged: import the file again.";
            var failed = run.Report(ImportStatus.Failed, failure, time.GetUtcNow());
            await TrySave(failed);
            throw new ImportFailedException(failed, exception);
        }

        var report = run.Report(stoppedBy is null ? ImportStatus.Completed : ImportStatus.Failed, stoppedBy, time.GetUtcNow());
        await imports.SaveReport(report, cancellationToken);
        if (stoppedBy is null)
            LogCompleted(run.ImportId, report.Rows, report.Created, report.Updated, report.Rejected);
        else
            LogStopped(run.ImportId, run.LastLine);
        return new ImportOutcome(report, null);
    }

    /// <summary>Writes the rows, then announces every full part of the prospects written so far.</summary>
    private async Task WriteBatch(List<ImportRow> batch, ImportRun run, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return;
        await rows.Write(batch, run, cancellationToken);
        await announcer.AnnounceFullParts(run, cancellationToken);
    }

    private async Task TrySave(ImportReport report)
    {
        try
        {
            await imports.SaveReport(report, CancellationToken.None);
        }
        catch (Exception exception)
        {
            LogReportNotSaved(exception, report.ImportId);
        }
    }

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Import {ImportId} started with {ColumnCount} columns")]
    private partial void LogStarted(Guid importId, int columnCount);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Import {ImportId} completed: {Rows} rows, {Created} created, {Updated} updated, {Rejected} rejected")]
    private partial void LogCompleted(Guid importId, long rows, long created, long updated, long rejected);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Error, Message = "Import {ImportId} stopped after line {Line}")]
    private partial void LogFailed(Exception exception, Guid importId, long line);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Import {ImportId} cancelled by its caller after line {Line}")]
    private partial void LogCancelled(Guid importId, long line);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Warning, Message = "Import {ImportId} stopped at line {Line}: the record is too long to read on")]
    private partial void LogStopped(Guid importId, long line);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Warning, Message = "Import {ImportId}: its report could not be saved")]
    private partial void LogReportNotSaved(Exception exception, Guid importId);
}
