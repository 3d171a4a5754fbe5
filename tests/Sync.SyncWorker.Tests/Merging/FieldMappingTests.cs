using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.SyncWorker.Extensions;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Options;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.Merging;

/// <summary>The field mapping as configured, and what each behaviour keeps: pure, no I/O.</summary>
[FastLane]
public sealed class FieldMappingTests
{
    private static readonly DateTimeOffset Earlier = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddHours(1);
    private const string IntegrationUser = "005Sy0000000001IAA";

    [Fact]
    public void AConfiguredBehaviourChangesOneFieldAndKeepsItsCrmNames()
    {
        var rules = Bind(new()
        {
            ["FieldMapping:Fields:city:Behavior"] = "UseCrmValue",
            ["FieldMapping:Fields:industry:Crm"] = "Industry",
        }).Rules().ToDictionary(rule => rule.ProspectField, StringComparer.OrdinalIgnoreCase);

        Assert.Equal(new FieldRule("city", "City", "MailingCity", SyncBehavior.UseCrmValue), rules["city"]);
        Assert.Equal(new FieldRule("industry", "Industry", "Industry", SyncBehavior.UseMostRecentlyUpdated), rules["industry"]);
        Assert.Equal("Company", rules["company"].CrmField(CrmObjectType.Lead));
        Assert.Null(rules["company"].CrmField(CrmObjectType.Contact));
        Assert.Equal("OwnerId", rules[FieldMappingOptions.AssignedUser].CrmField(CrmObjectType.Contact));
    }

    [Fact]
    public void AnUnknownBehaviourFailsAtStartNamingTheKey() =>
        Assert.Contains("FieldMapping:Fields:city:Behavior", ValidationFailure(new()
        {
            ["FieldMapping:Fields:city:Crm"] = "City",
            ["FieldMapping:Fields:city:Behavior"] = "7",
        }));

    [Fact]
    public void AMappingCannotClaimAFieldTheSyncMaintains() =>
        Assert.Contains("FieldMapping:Fields:workEmail:Contact names Email",
            ValidationFailure(new() { ["FieldMapping:Fields:workEmail:Contact"] = "Email" }));

    [Fact]
    public void AFieldTheCrmComputesOnlyEverFlowsIntoTheProspect()
    {
        var rules = Bind(new()
        {
            ["FieldMapping:Fields:scoreBand:Crm"] = "Score_Band__c",
            ["FieldMapping:Fields:scoreBand:CrmReadOnly"] = "true",
            ["FieldMapping:Fields:scoreBand:Behavior"] = "UseMarketingValue",
            ["FieldMapping:Fields:fullName:Crm"] = "Name",
        }).Rules();
        var merger = new FieldMerger(rules, new HashSet<string>(), IntegrationUser);
        var prospect = Prospect(("scoreBand", "Cold"), ("fullName", "Ada"), ("lastName", "Lovelace")) with { UpdatedAt = Later };
        var contact = new CrmRecord
        {
            Id = "003A",
            Type = CrmObjectType.Contact,
            Fields = new Dictionary<string, string?> { ["Score_Band__c"] = "Hot", ["Name"] = "Ada Byron", ["LastModifiedDate"] = Earlier.ToString("O", CultureInfo.InvariantCulture) },
        };

        var merged = merger.Merge(prospect, contact, CrmObjectType.Contact);
        var created = merger.Merge(prospect, null, CrmObjectType.Lead);

        Assert.Equal(["LastName"], merged.CrmChanges.Keys);
        Assert.Equal("Hot", merged.ProspectChanges["scoreBand"]);
        Assert.Equal("Ada Byron", merged.ProspectChanges["fullName"]);
        Assert.Equal(["LastName"], created.CrmChanges.Keys);
        Assert.Empty(created.ProspectChanges);
    }

    [Theory]
    [InlineData(SyncBehavior.UseCrmValue, "crm", "marketing", false, "crm")]
    [InlineData(SyncBehavior.UseMarketingValue, "crm", "marketing", false, "marketing")]
    [InlineData(SyncBehavior.UseMostRecentlyUpdated, "crm", "marketing", true, "marketing")]
    [InlineData(SyncBehavior.UseMostRecentlyUpdated, "crm", "marketing", false, "crm")]
    [InlineData(SyncBehavior.UseCrmValue, null, "marketing", false, "marketing")]
    [InlineData(SyncBehavior.UseMarketingValue, "crm", null, true, "crm")]
    [InlineData(SyncBehavior.UseMostRecentlyUpdated, null, null, true, null)]
    public void EachBehaviourKeepsItsSideAndABlankNeverWins(SyncBehavior behavior, string? crm, string? marketing, bool prospectNewer, string? kept) =>
        Assert.Equal(kept, FieldMerger.Resolve(behavior, marketing, crm, prospectNewer ? Later : Earlier, prospectNewer ? Earlier : Later));

    [Theory]
    // Only one side changed since the base: its value, whichever record changed last.
    [InlineData("base", "marketing", "base", false, "marketing", false)]
    [InlineData("base", "base", "crm", true, "crm", false)]
    // Both changed, each differently: the record changed last, and a conflict.
    [InlineData("base", "marketing", "crm", false, "crm", true)]
    [InlineData("base", "marketing", "crm", true, "marketing", true)]
    [InlineData(null, "marketing", "crm", false, "crm", true)]
    // Both changed to the same value: agreed, nothing to settle.
    [InlineData("base", "same", "same", false, "same", false)]
    // A field cleared on one side is not carried over: the value still held stays.
    [InlineData("base", null, "base", true, "base", false)]
    [InlineData("base", "base", null, false, "base", false)]
    [InlineData("base", null, "crm", true, "crm", false)]
    public void UseMostRecentlyUpdatedKeepsTheSideThatChangedSinceTheMergeBase(
        string? agreed, string? marketing, string? crm, bool prospectNewer, string? kept, bool conflict) =>
        Assert.Equal((kept, conflict), FieldMerger.Resolve(SyncBehavior.UseMostRecentlyUpdated, marketing, crm, new BaseValue(agreed),
            prospectNewer ? Later : Earlier, prospectNewer ? Earlier : Later));

    [Theory]
    [InlineData(SyncBehavior.UseCrmValue, "base", "marketing", "base", "base")]
    [InlineData(SyncBehavior.UseMarketingValue, "base", "base", "crm", "base")]
    public void UseCrmValueAndUseMarketingValueIgnoreTheMergeBase(SyncBehavior behavior, string agreed, string marketing, string crm, string kept) =>
        Assert.Equal((kept, false), FieldMerger.Resolve(behavior, marketing, crm, new BaseValue(agreed), Later, Earlier));

    [Fact]
    public void EachSidesChangeToADifferentFieldReachesTheOtherSideWhicheverRecordChangedLast()
    {
        var merger = new FieldMerger(new FieldMappingOptions().Rules(), new HashSet<string>(), IntegrationUser);
        var prospect = Prospect(("company", "Initrode"), ("city", "Austin"), ("title", "Analyst")) with { UpdatedAt = Earlier };
        var lead = Lead(("Company", "Initech"), ("City", "Dallas"), ("Title", "Manager"));
        var mergeBase = new Dictionary<string, string?> { ["company"] = "Initech", ["city"] = "Austin", ["title"] = "Engineer", ["phone"] = null };

        var merge = merger.Merge(prospect, lead, CrmObjectType.Lead, mergeBase);

        Assert.Equal(new Dictionary<string, string> { ["Company"] = "Initrode" }, merge.CrmChanges);
        Assert.Equal(new Dictionary<string, string> { ["city"] = "Dallas", ["title"] = "Manager" }, merge.ProspectChanges);
        var conflict = Assert.Single(merge.Conflicts);
        Assert.Equal(new FieldConflict("title", "Title", CrmKept: true), conflict);
        Assert.Equal(("Initrode", "Dallas", "Manager"), (merge.Agreed["company"], merge.Agreed["city"], merge.Agreed["title"]));
        Assert.True(merge.Agreed.ContainsKey("phone"));
        Assert.Null(merge.Agreed["phone"]);
    }

    [Fact]
    public void WithoutAMergeBaseTheRecordChangedLastWinsEveryFieldAndNoConflictIsNamed()
    {
        var merger = new FieldMerger(new FieldMappingOptions().Rules(), new HashSet<string>(), IntegrationUser);
        var prospect = Prospect(("company", "Initrode"), ("city", "Austin")) with { UpdatedAt = Earlier };

        var merge = merger.Merge(prospect, Lead(("Company", "Initech"), ("City", "Dallas")), CrmObjectType.Lead);

        Assert.Empty(merge.CrmChanges);
        Assert.Equal(new Dictionary<string, string> { ["company"] = "Initech", ["city"] = "Dallas" }, merge.ProspectChanges);
        Assert.Empty(merge.Conflicts);
    }

    [Theory]
    [InlineData(IntegrationUser)]
    [InlineData("005Sy0000000001")]
    public void TheIntegrationUserOwningARecordIsNoAssignment(string owner)
    {
        var merger = new FieldMerger(new FieldMappingOptions().Rules(), new HashSet<string>(), IntegrationUser);
        var lead = Lead(("OwnerId", owner));

        var unassigned = merger.Merge(Prospect(), lead, CrmObjectType.Lead, new Dictionary<string, string?> { ["assignedUser"] = null });
        var assigned = merger.Merge(Prospect() with { AssignedUser = "005Sy0000000002IAA" }, lead, CrmObjectType.Lead);

        Assert.Null(unassigned.AssignedUser);
        Assert.Null(unassigned.Agreed[FieldMappingOptions.AssignedUser]);
        Assert.DoesNotContain("OwnerId", unassigned.CrmChanges.Keys);
        Assert.Equal("005Sy0000000002IAA", assigned.CrmChanges["OwnerId"]);
        Assert.Null(assigned.AssignedUser);
    }

    [Fact]
    public void ARefusedOwnerIsToldAsTheProspectsAssignedUser()
    {
        var merger = new FieldMerger(new FieldMappingOptions().Rules(), new HashSet<string>(), IntegrationUser);
        var written = Lead(("OwnerId", "Jane Doe"), ("Title", "CTO"));
        var refused = new CrmError("MALFORMED_ID", "OwnerId: id value of incorrect type: Jane Doe", ["OwnerId"]);
        var otherField = new CrmError("STRING_TOO_LONG", "Title: data value too large", ["Title"]);

        var explained = merger.Explain(refused, written);

        Assert.Equal("MALFORMED_ID", explained.ErrorCode);
        Assert.Equal(["OwnerId"], explained.Fields);
        Assert.StartsWith("The CRM refused the prospect's assigned user \"Jane Doe\" as the Lead's OwnerId", explained.Message);
        Assert.Contains(refused.Message, explained.Message);
        Assert.Equal(otherField, merger.Explain(otherField, written));
    }

    [Fact]
    public void PlaceholdersOfANewLeadNeverFlowBackIntoTheProspect()
    {
        var merger = new FieldMerger(new FieldMappingOptions().Rules(), new HashSet<string> { "[not provided]" }, IntegrationUser);
        var prospect = Prospect(("company", null), ("lastName", null));
        var lead = new CrmRecord
        {
            Id = "00Q000000000001",
            Type = CrmObjectType.Lead,
            Fields = new Dictionary<string, string?> { ["Company"] = "[not provided]", ["LastName"] = "[not provided]", ["LastModifiedDate"] = Later.ToString("O", CultureInfo.InvariantCulture) },
        };

        var merge = merger.Merge(prospect, lead, CrmObjectType.Lead);

        Assert.Empty(merge.ProspectChanges);
    }

    [Fact]
    public void AnOptOutTravelsToTheCrmButNeverBack()
    {
        var merger = new FieldMerger(new FieldMappingOptions().Rules(), new HashSet<string>(), IntegrationUser);
        var contact = new CrmRecord { Id = "003000000000001", Type = CrmObjectType.Contact, Fields = new Dictionary<string, string?> { ["HasOptedOutOfEmail"] = "false" } };

        var optedOut = merger.Merge(Prospect() with { OptedOut = true }, contact, CrmObjectType.Contact);
        var notOptedOut = merger.Merge(Prospect(), contact with { Fields = new Dictionary<string, string?> { ["HasOptedOutOfEmail"] = "true" } }, CrmObjectType.Contact);

        Assert.Equal("true", optedOut.CrmChanges["HasOptedOutOfEmail"]);
        Assert.Empty(notOptedOut.CrmChanges);
        Assert.Empty(notOptedOut.ProspectChanges);
    }

    [Theory]
    [InlineData("Email: invalid email address: bob@example (value 'ada.lovelace+crm@example.test')",
        "Email: invalid email address: [e-mail] (value '[e-mail]')")]
    // An apostrophe inside the address (the CRM refuses it) is part of it; one around it is not.
    [InlineData("Email: invalid email address: o'hara.scarlett@example.com", "Email: invalid email address: [e-mail]")]
    [InlineData("value 'o'hara@example.com'", "value '[e-mail]'")]
    public void AnEmailAddressQuotedInACrmErrorNeverReachesALog(string error, string logged) =>
        Assert.Equal(logged, Redaction.EmailRedaction.WithoutEmails(error));

    /// <summary>The message a configuration fails with at start.</summary>
    private static string ValidationFailure(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddOptions<FieldMappingOptions>()
            .Bind(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(FieldMappingOptions.Section))
            .ValidateDataAnnotations();
        return Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<FieldMappingOptions>>().Value).Message;
    }

    private static FieldMappingOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new FieldMappingOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(FieldMappingOptions.Section).Bind(options);
        return options;
    }

    private static CrmRecord Lead(params (string Name, string? Value)[] fields) => new()
    {
        Id = "00Q000000000001",
        Type = CrmObjectType.Lead,
        Fields = new Dictionary<string, string?>(fields.ToDictionary(field => field.Name, field => field.Value))
        {
            [CrmFields.LastModifiedDate] = Later.ToString("O", CultureInfo.InvariantCulture),
        },
    };

    private static ProspectDto Prospect(params (string Name, string? Value)[] fields) => new()
    {
        Id = 1,
        Email = "p1@example.test",
        Fields = fields.ToDictionary(field => field.Name, field => field.Value),
        Revision = 1,
        CreatedAt = Earlier,
        UpdatedAt = Earlier,
    };
}
