using Sync.Contracts;
using Sync.ProspectEditor.Imports;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

[FastLane]
public sealed class ImportRunTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 31, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AProspectWrittenTwiceIsAnnouncedOnceWithTheHighestRevisionTheImportWrote()
    {
        var run = NewRun();
        run.Record(new RowOutcome(7, RowResult.Updated, 3));
        run.Record(new RowOutcome(7, RowResult.Unchanged, 0));
        run.Record(new RowOutcome(5, RowResult.Created, 1));

        var (ids, revisions) = run.NextPart();

        Assert.Equal([5L, 7L], ids);
        Assert.Equal([1L, 3L], revisions);
        var report = run.Report(ImportStatus.Running, null, Start);
        Assert.Equal((1L, 1L, 1L), (report.Created, report.Updated, report.Unchanged));
    }

    [Fact]
    public void APartHoldsAtMostOneMessageAndItsProspectsLeaveOnlyOnceStaged()
    {
        var run = NewRun();
        for (var id = 1; id <= ProspectsImported.MaxProspectsPerMessage + 3; id++)
            run.Record(new RowOutcome(id, RowResult.Created, 1));

        var (first, _) = run.NextPart();
        Assert.Equal(ProspectsImported.MaxProspectsPerMessage, first.Count);
        Assert.Equal(first, run.NextPart().Ids);

        run.PartStaged(first);
        Assert.Equal(3, run.PendingCount);
        run.PartPublished();
        var report = run.Report(ImportStatus.Completed, null, Start.AddMinutes(1));
        Assert.Equal((ProspectsImported.MaxProspectsPerMessage, 1, 0), ((int)report.ProspectsSynced, report.PartsPublished, report.PartsAwaitingBroker));
        Assert.Equal(Start.AddMinutes(1), report.FinishedAt);
    }

    [Fact]
    public void RejectedRowsBeyondTheListedOnesAreCountedAndTheListIsByLine()
    {
        var run = NewRun(maxErrors: 2);
        run.Reject(new ImportRowError(9, null, "late"));
        run.Reject(new ImportRowError(4, "email", "early"));
        run.Reject(new ImportRowError(12, null, "not listed"));

        var report = run.Report(ImportStatus.Running, null, Start);

        Assert.Equal([4L, 9L], report.Errors.Select(error => error.Line));
        Assert.Equal((3L, 1L), (report.Rejected, report.ErrorsNotListed));
        Assert.Null(report.FinishedAt);
    }

    [Fact]
    public void TheImporterNameIsCarriedIntoWhoChangedTheProspect()
    {
        var importId = Guid.NewGuid();

        Assert.Equal($"import {importId:N} by olivia", new ImportRun(importId, Start, Columns, 10, "olivia").ChangedBy);
        Assert.Equal($"import {importId:N}", new ImportRun(importId, Start, Columns, 10, null).ChangedBy);
    }

    private static readonly IReadOnlyList<ImportColumn> Columns = [new ImportColumn(0, "email"), new ImportColumn(1, "company")];

    private static ImportRun NewRun(int maxErrors = 10) => new(Guid.NewGuid(), Start, Columns, maxErrors, "olivia");
}
