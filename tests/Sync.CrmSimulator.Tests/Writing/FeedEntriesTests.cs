using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Users;
using Sync.CrmSimulator.Writing;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests.Writing;

[FastLane]
public sealed class FeedEntriesTests
{
    private static readonly CrmUser User = new("005Sy0000000002IAA", "Sam Sales");

    private static Dictionary<string, string?> Fields(string id, string? prospectId) => new()
    {
        [SObjectSchema.Id] = id,
        [SObjectSchema.LastModifiedDate] = "2026-11-27T10:00:00.000+0000",
        [SObjectSchema.ProspectId] = prospectId,
    };

    [Fact]
    public void CampaignsAndCampaignMembersHaveNoFeedEntry()
    {
        Assert.Null(FeedEntries.For(SObjectSchema.Campaign, Fields("701Sy0000000001IAA", null), CrmChangeTypes.Create, [], User, DateTimeOffset.UtcNow, true));
        Assert.Null(FeedEntries.For(SObjectSchema.CampaignMember, Fields("00vSy0000000001IAA", null), CrmChangeTypes.Create, [], User, DateTimeOffset.UtcNow, true));
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("0", null)]
    [InlineData("-3", null)]
    [InlineData("ab", null)]
    [InlineData(null, null)]
    public void AnEntryCarriesTheProspectIdOnlyWhenItIsAPositiveNumber(string? stored, long? carried)
    {
        var entry = FeedEntries.For(SObjectSchema.Lead, Fields("00QSy0000000001IAA", stored), CrmChangeTypes.Update, ["Title"], User, DateTimeOffset.UtcNow, true);

        Assert.Equal(carried, entry!.ProspectId);
        Assert.Equal(CrmObjectType.Lead, entry.ObjectType);
        Assert.Equal(User.Id, entry.CommitUser);
    }
}
