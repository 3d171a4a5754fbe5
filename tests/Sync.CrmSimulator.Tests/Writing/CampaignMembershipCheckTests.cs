using System.Text.Json.Nodes;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class CampaignMembershipCheckTests
{
    private readonly WriterParts _crm = new();

    [Fact]
    public async Task ALeadJoinsACampaignOnceWhetherTheFirstMembershipIsStoredOrEarlierInTheCall()
    {
        var campaign = await _crm.Seed(SObjectSchema.Campaign, new JsonObject { ["Name"] = "Launch" });
        var member = await _crm.SeedLead("Member");
        var newcomer = await _crm.SeedLead("Newcomer");
        await _crm.Seed(SObjectSchema.CampaignMember, new JsonObject { ["CampaignId"] = campaign, ["LeadId"] = member });
        var batch = WriterParts.Batch(3);

        await _crm.Memberships.Check(batch,
        [
            (SObjectSchema.CampaignMember, new Dictionary<string, string?> { ["CampaignId"] = campaign, ["LeadId"] = member }),
            (SObjectSchema.CampaignMember, new Dictionary<string, string?> { ["CampaignId"] = campaign, ["LeadId"] = newcomer }),
            (SObjectSchema.CampaignMember, new Dictionary<string, string?> { ["CampaignId"] = campaign, ["LeadId"] = newcomer }),
        ], CancellationToken.None);

        Assert.Equal("DUPLICATE_VALUE", Assert.Single(batch.Outcomes[0]!.Errors).ErrorCode);
        Assert.True(batch.Open(1));
        Assert.Equal("DUPLICATE_VALUE", Assert.Single(batch.Outcomes[2]!.Errors).ErrorCode);
    }
}
