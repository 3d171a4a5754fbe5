using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.StageInputs;

namespace Sync.SyncWorker.Tests.Batches;

/// <summary>The snapshot stage against the fake prospect-editor: one read, and the prospects not to sync settled at once.</summary>
[FastLane]
public sealed class ProspectSnapshotsTests
{
    [Fact]
    public async Task OneReadSettlesTheGoneTheDoNotSyncAndTheDeletedAndLeavesTheRestToSync()
    {
        var editor = new FakeProspectEditor();
        editor.Add(1, SeedValues.Email(1));
        editor.Add(2, SeedValues.Email(2), doNotSync: true);
        editor.Add(3, SeedValues.Email(3), crmRecordId: "00QA", crmObjectType: CrmObjectType.Lead);
        editor.Update(3, prospect => prospect with { CrmDeleted = true });
        List<ProspectSync> prospects = [InBatch(1), InBatch(2), InBatch(3), InBatch(4)];

        var toSync = await new ProspectSnapshots(editor).Read(prospects, CancellationToken.None);

        Assert.Equal(1, editor.GetManyCalls);
        Assert.Equal(1, Assert.Single(toSync).ProspectId);
        Assert.Equal(
            [SyncOutcome.SkippedDoNotSync, SyncOutcome.CrmRecordDeleted, SyncOutcome.Failed],
            prospects.Skip(1).Select(prospect => prospect.Result!.Outcome));
        Assert.Equal("PROSPECT_NOT_FOUND", prospects[3].Error!.ErrorCode);
    }
}
