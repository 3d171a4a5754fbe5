using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Writing;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using static Sync.SyncWorker.Tests.Fakes.StageInputs;

namespace Sync.SyncWorker.Tests.Writing;

/// <summary>The write-back stage against the fake prospect-editor: one call, marked as the sync's own, naming what it read.</summary>
[FastLane]
public sealed class ProspectWriteBackTests
{
    private readonly FakeProspectEditor _editor = new();

    [Fact]
    public async Task TheCrmsValuesGoBackNamingTheSyncAndTheValuesTheBatchRead()
    {
        _editor.Add(1, SeedValues.Email(1), SeedValues.Fields(("city", "Old")));
        var prospect = Synced(1, Prospect(1, SeedValues.Fields(("city", "Old"))), ("city", "Paris"));

        await new ProspectWriteBack(_editor).WriteBack([prospect], CancellationToken.None);

        var write = Assert.Single(_editor.WriteBacks);
        Assert.Equal((prospect.LatestSyncId, "Paris", "Old", "00QA"), (write.SyncId, write.Fields["city"], write.ReadValues!["city"], write.CrmRecordId));
    }

    [Fact]
    public async Task AProspectThatAlreadyHoldsEverythingIsNotWrittenBack()
    {
        var prospect = Synced(1, Prospect(1, crmRecordId: "00QA", crmObjectType: CrmObjectType.Lead));

        await new ProspectWriteBack(_editor).WriteBack([prospect], CancellationToken.None);

        Assert.Equal(0, _editor.WriteBackCalls);
    }

    [Fact]
    public async Task AValueProspectEditorRefusesFailsThatProspectAloneAndTheRestAreWrittenBack()
    {
        _editor.Add(1, SeedValues.Email(1));
        _editor.Add(2, SeedValues.Email(2));
        _editor.ValidateWriteBack = write => write.Fields.GetValueOrDefault("city") is { Length: > 10 } ? ("city", "at most 10 characters") : null;
        var refused = Synced(1, Prospect(1), ("city", "Llanfairpwllgwyngyll"));
        var accepted = Synced(2, Prospect(2), ("city", "Paris"));

        await new ProspectWriteBack(_editor).WriteBack([refused, accepted], CancellationToken.None);

        Assert.Equal(("PROSPECT_WRITE_REFUSED", SyncOutcome.Failed), (refused.Error!.ErrorCode, refused.Result!.Outcome));
        Assert.Equal(2, Assert.Single(_editor.WriteBacks).ProspectId);
    }

    [Fact]
    public async Task ARecordFoundDeletedFlagsTheProspect()
    {
        _editor.Add(1, SeedValues.Email(1));
        var prospect = InBatch(1, Prospect(1, crmRecordId: "00QA", crmObjectType: CrmObjectType.Lead));
        prospect.Result = new ProspectResult(SyncOutcome.CrmRecordDeleted, CrmObjectType.Lead, "00QA", null, "deleted");

        await new ProspectWriteBack(_editor).WriteBack([prospect], CancellationToken.None);

        Assert.True(Assert.Single(_editor.WriteBacks).CrmDeleted);
    }

    private static ProspectSync Synced(long id, Clients.ProspectEditor.ProspectDto read, params (string Field, string Value)[] crmValues)
    {
        var prospect = InBatch(id, read);
        prospect.Merge = new FieldMerge(new Dictionary<string, string>(), crmValues.ToDictionary(value => value.Field, value => value.Value),
            null, new Dictionary<string, string?>(), []);
        prospect.Result = new ProspectResult(SyncOutcome.Synced, CrmObjectType.Lead, "00QA", null, "matched");
        return prospect;
    }
}
