using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.Rules;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

public sealed class ProspectsApiTests(ProspectEditorFixture editor) : IClassFixture<ProspectEditorFixture>
{
    private HttpClient Api => editor.Api;

    [Fact]
    public async Task CreatingAProspectAnswers201WithItsLocationAndPublishesCreated()
    {
        var email = ProspectEditorFixture.UniqueEmail("Grace");
        var response = await Api.PostAsJsonAsync("prospects", new { email = $"  {email.ToUpperInvariant()} ", fields = new { firstName = "Grace", Company = "Navy" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var prospect = (await response.Content.ReadFromJsonAsync<ProspectDto>())!;
        Assert.Equal($"/prospects/{prospect.Id}", response.Headers.Location?.OriginalString);
        Assert.True(prospect.Id > 0);
        Assert.Equal(email.ToLowerInvariant(), prospect.Email);
        Assert.Equal("Navy", prospect.Fields["company"]);
        Assert.Equal(1, prospect.Revision);

        var created = (await editor.Published.WaitFor<ProspectChanged>(change => change.ProspectId == prospect.Id, "the Created event")).Single();
        Assert.Equal(ProspectChangeKind.Created, created.Kind);
        Assert.Equal(ChangeOrigin.Api, created.Origin);
        Assert.Equal(1, created.Revision);
        Assert.Equal(SyncRules.ProspectCreated, ChangeClassifier.RuleFor(created));
        Assert.Contains("firstName", created.ChangedFields);
        Assert.DoesNotContain(created.ChangedFields, name => name.Contains("Grace", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreatingASecondProspectWithTheSameAddressAnswers409NamingTheExistingOne()
    {
        var existing = await editor.CreateProspect();
        var mark = await editor.Published.Mark();

        var response = await Api.PostAsJsonAsync("prospects", new { email = existing.Email.ToUpperInvariant() });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(existing.Id, problem.GetProperty("prospectId").GetInt64());
        Assert.Equal("email", problem.GetProperty("member").GetString());
        await editor.AssertNothingPublishedSince(mark);
    }

    [Fact]
    public async Task FormsRacingForANewAddressMakeOneProspectAndOneCreatedEvent()
    {
        var email = ProspectEditorFixture.UniqueEmail("race");
        using var start = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 24).Select(index => Task.Run(async () =>
        {
            start.Wait();
            var response = await Api.PostAsJsonAsync("prospects/resolve", new { email, origin = "FormSubmission", fields = new { city = $"City {index}" } });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<ResolvedProspect>())!;
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(racers);

        var id = Assert.Single(results.Select(result => result.Prospect.Id).Distinct());
        Assert.Single(results, result => result.Created);
        await editor.Published.WaitFor<ProspectChanged>(change => change.ProspectId == id && change.Kind == ProspectChangeKind.Created, "the Created event");
        await editor.WaitUntilEverythingPublished();
        var created = Assert.Single(await editor.Published.All<ProspectChanged>(), change => change.ProspectId == id && change.Kind == ProspectChangeKind.Created);
        Assert.Equal(ChangeOrigin.FormSubmission, created.Origin);
        var byEmail = await Api.GetFromJsonAsync<ProspectDto>($"prospects?email={Uri.EscapeDataString(email.ToUpperInvariant())}");
        Assert.Equal(id, byEmail!.Id);
    }

    [Fact]
    public async Task ResolvingAKnownAddressFillsOnlyBlankFields()
    {
        var existing = await editor.CreateProspect(new { firstName = "Ada" });

        var response = await Api.PostAsJsonAsync("prospects/resolve", new { email = existing.Email, fields = new { firstName = "Other", city = "London" }, origin = "FormSubmission" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var resolved = (await response.Content.ReadFromJsonAsync<ResolvedProspect>())!;
        Assert.False(resolved.Created);
        Assert.Equal("Ada", resolved.Prospect.Fields["firstName"]);
        Assert.Equal("London", resolved.Prospect.Fields["city"]);
        var update = (await editor.Published.WaitFor<ProspectChanged>(change => change.ProspectId == existing.Id && change.Revision == 2, "the fill-in")).Single();
        Assert.Equal(["city"], update.ChangedFields);
    }

    [Fact]
    public async Task ReadingByIdByAddressAndInBulk()
    {
        var first = await editor.CreateProspect();
        var second = await editor.CreateProspect();

        Assert.Equal(first.Email, (await Api.GetFromJsonAsync<ProspectDto>($"prospects/{first.Id}"))!.Email);
        Assert.Equal(second.Id, (await Api.GetFromJsonAsync<ProspectDto>($"prospects?email={Uri.EscapeDataString(second.Email)}"))!.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync("prospects/987654321")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.GetAsync($"prospects?email={ProspectEditorFixture.UniqueEmail("nobody")}")).StatusCode);

        var lookup = await Api.PostAsJsonAsync("prospects/lookup", new { ids = new[] { first.Id, 987654321L, second.Id } });
        var result = (await lookup.Content.ReadFromJsonAsync<ProspectLookupResult>())!;
        Assert.Equal([first.Id, second.Id], result.Prospects.Select(prospect => prospect.Id).Order());
        Assert.Equal([987654321L], result.Missing);
    }

    [Fact]
    public async Task UpdatingFieldsPublishesTheChangedNamesAndTheSameValuesPublishNothing()
    {
        var prospect = await editor.CreateProspect(new { firstName = "Ada", title = "Analyst" });

        var response = await Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new { title = "Engineer", firstName = "Ada", city = "Paris" }, origin = "User", changedBy = "olivia" });
        var updated = (await response.Content.ReadFromJsonAsync<ProspectDto>())!;
        Assert.Equal(2, updated.Revision);
        var change = (await editor.Published.WaitFor<ProspectChanged>(c => c.ProspectId == prospect.Id && c.Revision == 2, "the update")).Single();
        Assert.Equal(ProspectChangeKind.FieldsUpdated, change.Kind);
        Assert.Equal(ChangeOrigin.User, change.Origin);
        Assert.Equal("olivia", change.ChangedBy);
        Assert.Equal(["city", "title"], change.ChangedFields.Order());

        var mark = await editor.Published.Mark();
        var again = await Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new { title = "Engineer", city = "Paris" } });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, (await again.Content.ReadFromJsonAsync<ProspectDto>())!.Revision);
        await editor.AssertNothingPublishedSince(mark);

        var cleared = await Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new Dictionary<string, string?> { ["title"] = null } });
        Assert.False((await cleared.Content.ReadFromJsonAsync<ProspectDto>())!.Fields.ContainsKey("title"));
    }

    [Fact]
    public async Task EachKindOfChangeMakesTheClassifierPickItsArticleRule()
    {
        var prospect = await editor.CreateProspect();

        await Ok(Api.PutAsJsonAsync($"prospects/{prospect.Id}/assigned-user", new { assignedUser = "005-olivia", origin = "User" }));
        await Ok(Api.PostAsJsonAsync($"prospects/{prospect.Id}/crm-campaigns", new { campaignId = "701-spring", origin = "EngagementProgram" }));
        await Ok(Api.PostAsync($"prospects/{prospect.Id}/unsubscribe", null));
        await Ok(Api.PutAsJsonAsync($"prospects/{prospect.Id}/do-not-sync", new { doNotSync = true }));
        await Ok(Api.PutAsJsonAsync($"prospects/{prospect.Id}/do-not-sync", new { doNotSync = false }));

        var changes = (await editor.Published.WaitFor<ProspectChanged>(change => change.ProspectId == prospect.Id, "six changes", count: 6))
            .OrderBy(change => change.Revision).ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(revision => (long)revision), changes.Select(change => change.Revision));
        Assert.Equal(
            [SyncRules.ProspectCreated, SyncRules.AssignedUserChange, SyncRules.CrmCampaignAdded, SyncRules.Unsubscribe, SyncRules.DoNotSyncSet, SyncRules.DoNotSyncCleared],
            changes.Select(ChangeClassifier.RuleFor));
        Assert.True(changes[4].DoNotSync);
        Assert.False(changes[5].DoNotSync);
        Assert.Equal(ChangeOrigin.EngagementProgram, changes[2].Origin);

        var final = (await Api.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}"))!;
        Assert.Equal("005-olivia", final.AssignedUser);
        Assert.Equal(["701-spring"], final.CrmCampaigns);
        Assert.True(final.OptedOut);
        Assert.False(final.DoNotSync);
    }

    [Fact]
    public async Task SyncWriteBackIsMarkedAsTheSyncsOwnAndReportsUnknownProspects()
    {
        var prospect = await editor.CreateProspect(new { firstName = "Ada" });
        var syncId = Guid.NewGuid();

        var response = await Api.PostAsJsonAsync("prospects/sync-writes", new SyncWriteBackRequest(
        [
            new SyncWriteBack
            {
                ProspectId = prospect.Id, SyncId = syncId, AssignedUser = "005-crm-owner", CrmRecordId = "00Q-1", CrmObjectType = CrmObjectType.Lead,
                Fields = new Dictionary<string, string?> { ["FirstName"] = "Ada", ["Company"] = "Analytical Engines", ["NotAField__c"] = "x" },
            },
            new SyncWriteBack { ProspectId = 987654321, SyncId = syncId },
        ]));

        var result = (await response.Content.ReadFromJsonAsync<SyncWriteBackResult>())!;
        Assert.Equal([987654321L], result.Missing);
        var written = Assert.Single(result.Prospects);
        Assert.Equal("Analytical Engines", written.Fields["company"]);
        Assert.Equal("00Q-1", written.CrmRecordId);
        Assert.Equal(CrmObjectType.Lead, written.CrmObjectType);
        var change = (await editor.Published.WaitFor<ProspectChanged>(c => c.ProspectId == prospect.Id && c.Revision == 2, "the sync's write")).Single();
        Assert.Equal(ChangeOrigin.Sync, change.Origin);
        Assert.Equal(syncId, change.SyncId);
        Assert.Equal(SyncRules.SyncOwnWrite, ChangeClassifier.RuleFor(change));
    }

    [Fact]
    public async Task SyncWriteBackLeavesFieldsChangedSinceTheSyncReadThem()
    {
        var prospect = await editor.CreateProspect(new { firstName = "Ada", city = "London" });
        Assert.Equal(HttpStatusCode.OK, (await Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new { city = "Oslo" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Api.PutAsJsonAsync($"prospects/{prospect.Id}/assigned-user", new { assignedUser = "marketing-user" })).StatusCode);

        // The sync read firstName "Ada", city "London" and no assigned user, before the marketing edit.
        var response = await Api.PostAsJsonAsync("prospects/sync-writes", new SyncWriteBackRequest(
        [
            new SyncWriteBack
            {
                ProspectId = prospect.Id, SyncId = Guid.NewGuid(), AssignedUser = "005-crm-owner",
                Fields = new Dictionary<string, string?> { ["FirstName"] = "Augusta", ["City"] = "Paris", ["Company"] = "Engines" },
                ReadValues = new Dictionary<string, string?> { ["FirstName"] = "Ada", ["City"] = "London", ["assignedUser"] = null },
            },
        ]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var written = Assert.Single((await response.Content.ReadFromJsonAsync<SyncWriteBackResult>())!.Prospects);
        Assert.Equal("Augusta", written.Fields["firstName"]);
        Assert.Equal("Engines", written.Fields["company"]);
        Assert.Equal("Oslo", written.Fields["city"]);
        Assert.Equal("marketing-user", written.AssignedUser);
    }

    [Fact]
    public async Task CreatingACustomFieldChangesNoProspectAndPublishesNothing()
    {
        var mark = await editor.Published.Mark();
        var name = $"score{Guid.NewGuid():N}"[..20];

        var response = await Api.PostAsJsonAsync("custom-fields", new { name, label = "Score" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(nameof(SyncRules.CustomFieldCreated), body.GetProperty("syncRule").GetString());
        Assert.Equal(0, body.GetProperty("prospectsChanged").GetInt32());
        Assert.False(body.GetProperty("eventPublished").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, (await Api.PostAsJsonAsync("custom-fields", new { name })).StatusCode);
        await editor.AssertNothingPublishedSince(mark);

        var prospect = await editor.CreateProspect();
        var patched = await Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new Dictionary<string, string> { [name.ToUpperInvariant()] = "42" } });
        Assert.Equal("42", (await patched.Content.ReadFromJsonAsync<ProspectDto>())!.Fields[name]);
    }

    [Theory]
    [InlineData("prospects", """{"email":"not-an-address"}""", "email")]
    [InlineData("prospects", """{"fields":{"firstName":"Ada"}}""", "email")]
    [InlineData("prospects", """{"email":"Ada <ada@example.com>"}""", "email")]
    [InlineData("prospects", """{"email":"x@example.com","fields":{"favouriteColour":"red"}}""", "fields.favouriteColour")]
    [InlineData("prospects", """{"email":"x@example.com","fields":{"email":"y@example.com"}}""", "fields.email")]
    [InlineData("prospects", """{"email":"x@example.com","origin":"Sync"}""", "origin")]
    [InlineData("prospects/resolve", """{"email":""}""", "email")]
    [InlineData("prospects/lookup", """{"ids":[1,-2]}""", "ids[1]")]
    [InlineData("prospects/sync-writes", """{"writes":[{"prospectId":1,"syncId":"00000000-0000-0000-0000-000000000000"}]}""", "writes[0].syncId")]
    [InlineData("prospects/sync-writes", """{"writes":[]}""", "writes")]
    [InlineData("prospects", """{"email":"x@example.com","assignedUser":"{201}"}""", "assignedUser")]
    [InlineData("prospects", """{"email":"x@example.com","changedBy":"{201}"}""", "changedBy")]
    [InlineData("prospects", """{"email":"x@example.com","fields":{"company":"{4001}"}}""", "fields.company")]
    [InlineData("prospects/resolve", """{"email":"x@example.com","fields":{"city":"{4001}"}}""", "fields.city")]
    [InlineData("prospects/sync-writes", """{"writes":[{"prospectId":1,"syncId":"00000000-0000-0000-0000-000000000001","fields":{"Company":"{4001}"}}]}""", "writes[0].fields.Company")]
    [InlineData("prospects/sync-writes", """{"writes":[{"prospectId":1,"syncId":"00000000-0000-0000-0000-000000000001","assignedUser":"{201}"}]}""", "writes[0].assignedUser")]
    public async Task InvalidRequestsAnswer400NamingTheMemberAndPublishNothing(string path, string json, string member)
    {
        var mark = await editor.Published.Mark();
        var prospectsBefore = await ProspectAndClaimKeys();
        json = json.Replace("{201}", new string('u', 201), StringComparison.Ordinal).Replace("{4001}", new string('v', 4001), StringComparison.Ordinal);

        var response = await Api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(member, out _), $"the problem names {member}: {problem}");
        Assert.Equal(prospectsBefore, await ProspectAndClaimKeys());
        await editor.AssertNothingPublishedSince(mark);
    }

    [Theory]
    [InlineData("""{"email": "x@example.com", "fields": {"firstName": 5}}""", "fields.firstName")]
    [InlineData("""{"email": "x@example.com", "fields": ["firstName"]}""", "fields")]
    [InlineData("""{"email": "x@example.com", """, "")]
    [InlineData("""{"writes": [{"prospectId": 1}]}""", "syncId", "prospects/sync-writes")]
    [InlineData("""{"writes": [{"prospectId": "one", "syncId": "00000000-0000-0000-0000-000000000001"}]}""", "writes[0].prospectId", "prospects/sync-writes")]
    public async Task MalformedJsonAnswers400NamingWhereItBroke(string json, string at, string path = "prospects")
    {
        var mark = await editor.Published.Mark();

        var response = await Api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Malformed JSON", problem.GetProperty("title").GetString());
        Assert.Contains(at, problem.GetProperty("detail").GetString());
        await editor.AssertNothingPublishedSince(mark);
    }

    [Fact]
    public async Task ChangingTheAddressOrUsingAReservedOriginIsRefused()
    {
        var prospect = await editor.CreateProspect();

        var email = await Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new { email = "new@example.com" } });
        var sync = await Api.PatchAsJsonAsync($"prospects/{prospect.Id}", new { fields = new { city = "Oslo" }, origin = "Sync" });
        var campaign = await Api.PostAsJsonAsync($"prospects/{prospect.Id}/crm-campaigns", new { campaignId = "701" });
        var longUser = await Api.PutAsJsonAsync($"prospects/{prospect.Id}/assigned-user", new { assignedUser = new string('u', 201) });
        var longCampaign = await Api.PostAsJsonAsync($"prospects/{prospect.Id}/crm-campaigns", new { campaignId = new string('c', 201), origin = "User" });

        Assert.Equal(HttpStatusCode.BadRequest, email.StatusCode);
        Assert.Contains("fields.email", await email.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, sync.StatusCode);
        Assert.Contains("sync-writes", await sync.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, campaign.StatusCode);
        Assert.Contains("\"origin\"", await campaign.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, longUser.StatusCode);
        Assert.Contains("assignedUser", await longUser.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, longCampaign.StatusCode);
        Assert.Contains("campaignId", await longCampaign.Content.ReadAsStringAsync());
        Assert.Equal(1, (await Api.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}"))!.Revision);
    }

    [Theory]
    [InlineData("crm-campaigns", """{"campaignId":"701-x","origin":"AutomationRule"}""")]
    [InlineData("do-not-sync", """{"doNotSync":true,"origin":"AutomationRule"}""")]
    [InlineData("assigned-user", """{"assignedUser":"005-x","origin":"AutomationRule"}""")]
    public async Task TheAutomationRuleOriginIsReservedForRuleRuns(string action, string json)
    {
        var prospect = await editor.CreateProspect();
        var mark = await editor.Published.Mark();
        var content = new StringContent(json, Encoding.UTF8, "application/json");

        var response = action == "crm-campaigns"
            ? await Api.PostAsync($"prospects/{prospect.Id}/{action}", content)
            : await Api.PutAsync($"prospects/{prospect.Id}/{action}", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var origin = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("origin")[0].GetString();
        Assert.Contains("automation-rules/{id}/run", origin);
        Assert.Equal(1, (await Api.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}"))!.Revision);
        await editor.AssertNothingPublishedSince(mark);
    }

    [Fact]
    public async Task UnknownProspectsAnswer404Problems()
    {
        var response = await Api.PatchAsJsonAsync("prospects/987654321", new { fields = new { city = "Oslo" } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(987654321, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prospectId").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.PostAsync("prospects/987654321/unsubscribe", null)).StatusCode);
    }

    [Fact]
    public async Task EveryEndpointNeedsTheApiKey()
    {
        using var anonymous = new HttpClient { BaseAddress = editor.Host.Address };
        using var wrongKey = new HttpClient { BaseAddress = editor.Host.Address };
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "not-the-key-at-all");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("prospects/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("prospects", new { email = "a@example.com" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await wrongKey.GetAsync("automation-rules")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("imports", new StringContent("email\n", Encoding.UTF8, "text/csv"))).StatusCode);
    }

    /// <summary>Prospects and e-mail claims only ever grow by a write; outbox keys come and go as the relay works.</summary>
    private async Task<int> ProspectAndClaimKeys() =>
        (await editor.Redis.Keys()).Count(key => key.EndsWith(":prospect", StringComparison.Ordinal) || key.Contains(":email:", StringComparison.Ordinal));

    private static async Task Ok(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
