using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Prospects;

namespace Sync.ProspectEditor.Imports;

/// <summary>
/// Writes a batch of an import's rows through <see cref="ProspectWriter"/>, Import:Concurrency addresses at a time, and
/// records in the run what each row did and the revision it wrote.
/// </summary>
public sealed class ImportBatchWriter(ProspectWriter writer, IOptions<ImportOptions> options)
{
    public async Task Write(IReadOnlyList<ImportRow> batch, ImportRun run, CancellationToken cancellationToken)
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
}
