using System.Text;
using Microsoft.Extensions.Options;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Messaging;

namespace Sync.ProspectEditor.Imports;

/// <summary>The header could not be mapped: nothing was imported. Problems by column ("columns[3]").</summary>
public sealed record ImportRejected(IReadOnlyDictionary<string, string> Problems);

/// <summary>
/// Imports a CSV file as it streams in: a header row maps columns to fields (an e-mail column is required), each row
/// creates or updates the prospect with that address, and every prospect in the file is announced in
/// <see cref="ProspectsImported"/> as the import proceeds, which forces its sync. Rows in error are reported by line
/// and never stop the others. Memory holds one batch of rows, whatever the file's size.
/// </summary>
public sealed partial class ProspectImporter(
    ProspectWriter writer,
    ICustomFieldStore customFields,
    IImportStore imports,
    ConfirmedPublisher publisher,
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
        var fields = await customFields.Catalog(cancellationToken);
        var (columns, problems) = MapHeader(header, fields);
        if (problems.Count > 0)
            return new ImportOutcome(null, new ImportRejected(problems));

        var run = new ImportRun(Guid.NewGuid(), time.GetUtcNow(), columns, settings.MaxErrorsReported, importedBy);
        await imports.SaveReport(run.Report(ImportStatus.Running, null, time.GetUtcNow()), cancellationToken);
        using var activity = Extensions.Extensions.ActivitySource.StartActivity("import");
        activity?.SetTag("sync.import.id", run.ImportId);
        LogStarted(run.ImportId, columns.Count);

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
                    run.Reject(record.Line, null, record.Error!);
                    stoppedBy = $"The import stopped at line {record.Line}: {record.Error}";
                    break;
                }
                if (ParseRow(record, columns, run) is { } row)
                    batch.Add(row);
                if (batch.Count >= settings.BatchSize)
                {
                    await WriteBatch(batch, run, cancellationToken);
                    batch.Clear();
                    if (++batchesWritten % BatchesBetweenReports == 0)
                        await imports.SaveReport(run.Report(ImportStatus.Running, null, time.GetUtcNow()), cancellationToken);
                }
            }
            await WriteBatch(batch, run, cancellationToken);
            await PublishPart(run, cancellationToken);
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
            if (!await StagePending(run))
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

    private static (IReadOnlyList<ImportColumn> Columns, Dictionary<string, string> Problems) MapHeader(CsvRecord? header, ProspectFields fields)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (header is null)
        {
            problems["header"] = "The file is empty: the first row must be a header naming the columns, one of them email.";
            return ([], problems);
        }
        if (header.Error is not null)
            problems["header"] = $"Line {header.Line}: {header.Error}";

        var columns = new List<ImportColumn>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < header.Values.Count; index++)
        {
            var name = header.Values[index].Trim().TrimStart('\uFEFF');
            var key = ProspectFields.Key(name);
            string? target = key switch
            {
                "email" or "emailaddress" => ProspectFields.Email,
                "assigneduser" or "assignedto" => ProspectFields.AssignedUser,
                _ => fields.Resolve(name),
            };
            if (name.Length == 0)
                problems[$"columns[{index}]"] = "The column has no name.";
            else if (target is null)
                problems[$"columns[{index}]"] = $"No prospect field is named '{name}'; create it first with POST /custom-fields, or remove the column.";
            else if (!seen.Add(target))
                problems[$"columns[{index}]"] = $"The column '{name}' maps to {target}, which an earlier column already fills.";
            else
                columns.Add(new ImportColumn(index, target));
        }
        if (header.Values.Count > 0 && !seen.Contains(ProspectFields.Email))
            problems["email"] = "The header has no email column; every row needs the prospect's e-mail address.";
        return (columns, problems);
    }

    private static ImportRow? ParseRow(CsvRecord record, IReadOnlyList<ImportColumn> columns, ImportRun run)
    {
        if (record.Error is not null)
            return run.Reject(record.Line, null, record.Error);
        if (record.Values.Count != run.ColumnCount)
            return run.Reject(record.Line, null, $"The row has {record.Values.Count} values; the header has {run.ColumnCount} columns.");

        string? email = null;
        string? assignedUser = null;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            var value = record.Values[column.Index].Trim();
            switch (column.Target)
            {
                case ProspectFields.Email:
                    email = ProspectEmail.Normalize(value, out var problem);
                    if (email is null)
                        return run.Reject(record.Line, ProspectFields.Email, problem!);
                    break;
                case ProspectFields.AssignedUser:
                    if (ProspectValues.User(value) is { } userProblem)
                        return run.Reject(record.Line, column.Target, userProblem);
                    assignedUser = value.Length == 0 ? null : value;
                    break;
                default:
                    if (ProspectValues.FieldValue(value) is { } valueProblem)
                        return run.Reject(record.Line, column.Target, valueProblem);
                    // An empty cell leaves the prospect's value as it is: an import adds what it knows, it does not erase.
                    if (value.Length > 0)
                        values[column.Target] = value;
                    break;
            }
        }
        return new ImportRow(record.Line, email!, values, assignedUser);
    }

    private async Task WriteBatch(List<ImportRow> batch, ImportRun run, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
            return;
        // Rows of one address keep their order in the file; different addresses are written side by side.
        var byEmail = batch.GroupBy(row => row.Email, StringComparer.Ordinal).Select(group => group.ToList()).ToList();
        var by = new ChangeAttribution(ChangeOrigin.Import, run.ChangedBy);
        await Parallel.ForEachAsync(byEmail, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = cancellationToken },
            async (rows, token) =>
            {
                foreach (var row in rows)
                    run.Record(await WriteRow(row, by, token));
            });
        while (run.PendingCount >= ProspectsImported.MaxProspectsPerMessage)
            await PublishPart(run, cancellationToken);
    }

    private async Task<RowOutcome> WriteRow(ImportRow row, ChangeAttribution by, CancellationToken cancellationToken)
    {
        var (prospect, created) = await writer.FindOrCreate(row.Email, row.Values, row.AssignedUser, by, fillBlanks: false, cancellationToken);
        if (created)
            return new RowOutcome(prospect.Id, RowResult.Created, prospect.Revision);
        var result = await writer.Update(prospect, current => Edit(current, row), by, cancellationToken);
        // Only a revision the import wrote shows that a sync reading it came after the import: an unchanged row stamps none.
        return result is { Changed: true }
            ? new RowOutcome(prospect.Id, RowResult.Updated, result.Prospect.Revision)
            : new RowOutcome(prospect.Id, RowResult.Unchanged, Revision: 0);
    }

    private static ProspectEdit? Edit(Prospect current, ImportRow row)
    {
        var fieldsSet = ProspectEdits.SetFields(current, row.Values);
        var afterFields = fieldsSet?.Updated ?? current;
        var assigned = row.AssignedUser is null ? null : ProspectEdits.AssignUser(afterFields, row.AssignedUser);
        return ProspectEdits.Combine(current, [fieldsSet, assigned]);
    }

    /// <summary>Stages up to one message's worth of the ids written so far, then publishes it with confirms.</summary>
    private async Task PublishPart(ImportRun run, CancellationToken cancellationToken)
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

    /// <summary>After a failure: stages (never publishes) every id still pending; false when the store could not take them.</summary>
    private async Task<bool> StagePending(ImportRun run)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} started with {ColumnCount} columns")]
    private partial void LogStarted(Guid importId, int columnCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} completed: {Rows} rows, {Created} created, {Updated} updated, {Rejected} rejected")]
    private partial void LogCompleted(Guid importId, long rows, long created, long updated, long rejected);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId} stopped after line {Line}")]
    private partial void LogFailed(Exception exception, Guid importId, long line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} cancelled by its caller after line {Line}")]
    private partial void LogCancelled(Guid importId, long line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} stopped at line {Line}: the record is too long to read on")]
    private partial void LogStopped(Guid importId, long line);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId}: the forced sync of {ProspectCount} prospects could not be staged")]
    private partial void LogPendingNotStaged(Exception exception, Guid importId, int prospectCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId}: the broker did not confirm; its ProspectsImported parts wait in the outbox")]
    private partial void LogBrokerAway(Exception exception, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId}: its report could not be saved")]
    private partial void LogReportNotSaved(Exception exception, Guid importId);
}

/// <summary>The result of an import: its report, or why its header was rejected.</summary>
public sealed record ImportOutcome(ImportReport? Report, ImportRejected? Rejected);

/// <summary>An import stopped by a failure (Redis, the upload, a cancellation); <see cref="Report"/> is its Failed report.</summary>
public sealed class ImportFailedException(ImportReport report, Exception inner)
    : Exception(report.Failure, inner)
{
    public ImportReport Report { get; } = report;
}

internal sealed record ImportColumn(int Index, string Target);

internal sealed record ImportRow(long Line, string Email, IReadOnlyDictionary<string, string?> Values, string? AssignedUser);

internal enum RowResult { Created, Updated, Unchanged }

/// <param name="Revision">The prospect's revision as the row wrote it; 0 when the row changed nothing.</param>
internal readonly record struct RowOutcome(long ProspectId, RowResult Result, long Revision);

/// <summary>The running totals of one import; rows are recorded from several writers at once.</summary>
internal sealed class ImportRun(Guid importId, DateTimeOffset startedAt, IReadOnlyList<ImportColumn> columns, int maxErrors, string? importedBy)
{
    private readonly Lock _lock = new();
    private readonly List<ImportRowError> _errors = [];
    /// <summary>Prospects written and not yet staged, each with the highest revision the import wrote (0: none).</summary>
    private readonly Dictionary<long, long> _pending = [];
    private long _created;
    private long _updated;
    private long _unchanged;
    private long _rejected;
    private long _synced;

    public Guid ImportId { get; } = importId;

    public int ColumnCount { get; } = columns.Max(column => column.Index) + 1;

    public string ChangedBy { get; } = importedBy is { Length: > 0 } ? $"import {importId:N} by {importedBy}" : $"import {importId:N}";

    public long Rows { get; set; }

    public long LastLine { get; set; }

    public int PartsPublished { get; private set; }

    /// <summary>Parts staged and not (yet) seen confirmed: the relay publishes them.</summary>
    public int PartsAwaitingBroker { get; private set; }

    public bool BrokerAway { get; set; }

    public int PendingCount
    {
        get
        {
            lock (_lock)
                return _pending.Count;
        }
    }

    public ImportRow? Reject(long line, string? column, string reason)
    {
        lock (_lock)
        {
            _rejected++;
            if (_errors.Count < maxErrors)
                _errors.Add(new ImportRowError(line, column, reason));
        }
        return null;
    }

    public void Record(RowOutcome outcome)
    {
        lock (_lock)
        {
            _pending[outcome.ProspectId] = Math.Max(_pending.GetValueOrDefault(outcome.ProspectId), outcome.Revision);
            switch (outcome.Result)
            {
                case RowResult.Created: _created++; break;
                case RowResult.Updated: _updated++; break;
                default: _unchanged++; break;
            }
        }
    }

    /// <summary>
    /// The next message's worth of pending ids, with their revisions in the same order; they stay pending until
    /// <see cref="PartStaged"/>.
    /// </summary>
    public (IReadOnlyList<long> Ids, IReadOnlyList<long> Revisions) NextPart()
    {
        lock (_lock)
        {
            var part = _pending.OrderBy(entry => entry.Key).Take(ProspectsImported.MaxProspectsPerMessage).ToList();
            return (part.Select(entry => entry.Key).ToList(), part.Select(entry => entry.Value).ToList());
        }
    }

    public void PartStaged(IReadOnlyList<long> ids)
    {
        lock (_lock)
        {
            foreach (var id in ids)
                _pending.Remove(id);
            _synced += ids.Count;
            PartsAwaitingBroker++;
        }
    }

    public void PartPublished()
    {
        lock (_lock)
        {
            PartsAwaitingBroker--;
            PartsPublished++;
        }
    }

    public ImportReport Report(ImportStatus status, string? failure, DateTimeOffset now)
    {
        lock (_lock)
        {
            return new ImportReport
            {
                ImportId = ImportId,
                Status = status,
                StartedAt = startedAt,
                FinishedAt = status == ImportStatus.Running ? null : now,
                Columns = columns.Select(column => column.Target).ToList(),
                Rows = Rows,
                Created = _created,
                Updated = _updated,
                Unchanged = _unchanged,
                Rejected = _rejected,
                ProspectsSynced = _synced,
                PartsPublished = PartsPublished,
                PartsAwaitingBroker = PartsAwaitingBroker,
                LastLine = LastLine,
                Errors = _errors.OrderBy(error => error.Line).ToList(),
                ErrorsNotListed = Math.Max(0, _rejected - _errors.Count),
                Failure = failure,
            };
        }
    }
}
