using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Org;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Storage.Org;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Users;
using Sync.CrmSimulator.Writing;

namespace Sync.CrmSimulator.Tests.Support;

/// <summary>
/// The writer's stages wired by hand over the in-memory stores (which the store contract tests hold to the Redis ones), so
/// a planner is tested alone: seed records through the whole writer, then plan one batch and look at what it would commit.
/// </summary>
public sealed class WriterParts
{
    public WriterParts(ICrmRecordStore? store = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new CrmSimulatorOptions());
        Store = store ?? new InMemoryCrmRecordStore(options);
        Users = new CrmUsers(options);
        Org = new CrmOrg(new InMemoryCrmOrgStore(), options, TimeProvider.System);
        Targets = new TargetReader(Store);
        References = new ReferenceCheck(Store, Users);
        Memberships = new CampaignMembershipCheck(Store);
        Creates = new CreatePlanner(Store, References, Memberships);
        Updates = new UpdatePlanner(Targets, References);
        Deletes = new DeletePlanner(Store, Targets);
        Conversions = new ConversionPlanner(Store, Targets, Users);
        Save = new OptimisticSave(Store, Org, TimeProvider.System, NullLogger<OptimisticSave>.Instance);
        Writer = new CrmWriter(Save, Creates, Updates, Deletes, Conversions, new ScoreBandRecalculationPlanner(Store, Users), Store);
        Sales = Users.ById(SimulatorHost.SalesUserId)!;
    }

    public ICrmRecordStore Store { get; }

    public CrmUsers Users { get; }

    public CrmOrg Org { get; }

    public TargetReader Targets { get; }

    public ReferenceCheck References { get; }

    public CampaignMembershipCheck Memberships { get; }

    public CreatePlanner Creates { get; }

    public UpdatePlanner Updates { get; }

    public DeletePlanner Deletes { get; }

    public ConversionPlanner Conversions { get; }

    public OptimisticSave Save { get; }

    public CrmWriter Writer { get; }

    /// <summary>The sales rep, who makes the changes of these tests.</summary>
    public CrmUser Sales { get; }

    public static SaveBatch Batch(int count) => new(count, DateTimeOffset.UtcNow);

    /// <summary>Creates a record through the whole writer and answers its id.</summary>
    public async Task<string> Seed(SObjectDescribe type, JsonObject fields)
    {
        var outcome = (await Writer.Create(Sales, [new NewRecord(type, fields)], allOrNone: true, CancellationToken.None))[0];
        Assert.True(outcome.Success, string.Join("; ", outcome.Errors.Select(error => error.Message)));
        return outcome.Id!;
    }

    public Task<string> SeedLead(string lastName = "Lovelace") =>
        Seed(SObjectSchema.Lead, new JsonObject { ["LastName"] = lastName, ["Company"] = "Analytical Engines" });

    public async Task<StoredRecord> Read(SObjectDescribe type, string id) =>
        await Store.Get(type.Name, id, CancellationToken.None) ?? throw new InvalidOperationException($"No {type.Name} {id}.");
}
