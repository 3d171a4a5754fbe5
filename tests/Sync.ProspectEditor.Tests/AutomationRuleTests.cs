using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.ProspectEditor.Automation;
using Sync.Rules;

namespace Sync.ProspectEditor.Tests;

public sealed class AutomationRuleTests(ProspectEditorFixture editor) : IClassFixture<ProspectEditorFixture>
{
    [Fact]
    public async Task ARuleRunAppliesItsActionsInBulkWithOneChangePerProspect()
    {
        var company = $"Acme {Guid.NewGuid():N}";
        var matching = new List<ProspectDto>();
        for (var index = 0; index < 12; index++)
            matching.Add(await editor.CreateProspect(new { company, city = index % 2 == 0 ? "Oslo" : null }));
        var other = await editor.CreateProspect(new { company = "Elsewhere" });
        var alreadyDone = await editor.CreateProspect(new { company, title = "Blocked" });
        await editor.Api.PutAsJsonAsync($"prospects/{alreadyDone.Id}/do-not-sync", new { doNotSync = true });

        var created = await editor.Api.PostAsJsonAsync("automation-rules", new
        {
            name = "Competitors never sync",
            match = "all",
            criteria = new object[] { new { field = "company", @operator = "equals", value = company.ToUpperInvariant() } },
            actions = new object[] { new { type = "setField", field = "title", value = "Blocked" }, new { type = "setDoNotSync" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = (await created.Content.ReadFromJsonAsync<AutomationRule>())!;

        var run = (await (await editor.Api.PostAsync($"automation-rules/{rule.Id}/run", null)).Content.ReadFromJsonAsync<AutomationRuleRun>())!;

        Assert.Equal(13, run.Matched);
        Assert.Equal(12, run.Changed);
        var ids = matching.Select(prospect => prospect.Id).ToHashSet();
        var changes = await editor.Published.WaitFor<ProspectChanged>(change => ids.Contains(change.ProspectId) && change.Origin == ChangeOrigin.AutomationRule,
            "one change per matching prospect", count: 12);
        Assert.Equal(12, changes.Select(change => change.ProspectId).Distinct().Count());
        Assert.All(changes, change =>
        {
            Assert.Equal(ProspectChangeKind.DoNotSyncSet, change.Kind);
            Assert.Equal(SyncRules.DoNotSyncSet, ChangeClassifier.RuleFor(change));
            Assert.True(change.DoNotSync);
            Assert.Equal(["doNotSync", "title"], change.ChangedFields.Order());
            Assert.Contains("Competitors never sync", change.ChangedBy);
        });
        Assert.True((await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects/{matching[0].Id}"))!.DoNotSync);
        Assert.False((await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects/{other.Id}"))!.DoNotSync);

        var mark = await editor.Published.Mark();
        var again = (await (await editor.Api.PostAsync($"automation-rules/{rule.Id}/run", null)).Content.ReadFromJsonAsync<AutomationRuleRun>())!;
        Assert.Equal(0, again.Changed);
        await editor.AssertNothingPublishedSince(mark);
    }

    [Fact]
    public async Task AnyCriterionAndEachActionKindChangeTheRecordAsTheArticleSays()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var big = await editor.CreateProspect(new { company = $"Big {tag}", industry = "250" });
        var blank = await editor.CreateProspect(new { company = $"Blank {tag}" });
        var rule = (await (await editor.Api.PostAsJsonAsync("automation-rules", new
        {
            name = "Route enterprise",
            match = "any",
            criteria = new object[]
            {
                new { field = "industry", @operator = "greaterThan", value = "100" },
                new { field = "email", @operator = "contains", value = "nobody-has-this" },
            },
            actions = new object[] { new { type = "assignUser", user = "005-enterprise" }, new { type = "addToCrmCampaign", campaignId = "701-enterprise" } },
        })).Content.ReadFromJsonAsync<AutomationRule>())!;

        await editor.Api.PostAsync($"automation-rules/{rule.Id}/run", null);

        var change = (await editor.Published.WaitFor<ProspectChanged>(c => c.ProspectId == big.Id && c.Origin == ChangeOrigin.AutomationRule, "the rule's change")).Single();
        Assert.Equal(SyncRules.CrmCampaignAdded, ChangeClassifier.RuleFor(change));
        var after = (await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects/{big.Id}"))!;
        Assert.Equal(("005-enterprise", "701-enterprise"), (after.AssignedUser, after.CrmCampaigns.Single()));
        Assert.Null((await editor.Api.GetFromJsonAsync<ProspectDto>($"prospects/{blank.Id}"))!.AssignedUser);
        Assert.Contains(rule.Id, (await editor.Api.GetFromJsonAsync<List<AutomationRule>>("automation-rules"))!.Select(listed => listed.Id));
    }

    [Theory]
    [InlineData("""{"criteria":[{"field":"company","operator":"equals","value":"x"}],"actions":[{"type":"setDoNotSync"}]}""", "name")]
    [InlineData("""{"name":"r","match":"most","criteria":[{"field":"company","operator":"equals","value":"x"}],"actions":[{"type":"setDoNotSync"}]}""", "match")]
    [InlineData("""{"name":"r","criteria":[],"actions":[{"type":"setDoNotSync"}]}""", "criteria")]
    [InlineData("""{"name":"r","criteria":[{"field":"shoeSize","operator":"equals","value":"x"}],"actions":[{"type":"setDoNotSync"}]}""", "criteria[0].field")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"startsWith","value":"x"}],"actions":[{"type":"setDoNotSync"}]}""", "criteria[0].operator")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"greaterThan","value":"abc"}],"actions":[{"type":"setDoNotSync"}]}""", "criteria[0].value")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"isEmpty"}],"actions":[{"type":"delete"}]}""", "actions[0].type")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"isEmpty"}],"actions":[{"type":"assignUser"}]}""", "actions[0].user")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"isEmpty"}],"actions":[{"type":"setField","field":"nope","value":"1"}]}""", "actions[0].field")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"equals","value":"{4001}"}],"actions":[{"type":"setDoNotSync"}]}""", "criteria[0].value")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"isEmpty"}],"actions":[{"type":"setField","field":"city","value":"{4001}"}]}""", "actions[0].value")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"isEmpty"}],"actions":[{"type":"assignUser","user":"{201}"}]}""", "actions[0].user")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"isEmpty"}],"actions":[{"type":"addToCrmCampaign","campaignId":"{201}"}]}""", "actions[0].campaignId")]
    [InlineData("""{"name":"r","criteria":[{21}],"actions":[{"type":"setDoNotSync"}]}""", "criteria")]
    [InlineData("""{"name":"r","criteria":[{"field":"company","operator":"isEmpty"}],"actions":[{21actions}]}""", "actions")]
    public async Task AnInvalidRuleAnswers400NamingTheMember(string json, string member)
    {
        json = json.Replace("{201}", new string('u', 201), StringComparison.Ordinal).Replace("{4001}", new string('v', 4001), StringComparison.Ordinal)
            .Replace("{21}", string.Join(",", Enumerable.Repeat("""{"field":"company","operator":"isEmpty"}""", 21)), StringComparison.Ordinal)
            .Replace("{21actions}", string.Join(",", Enumerable.Repeat("""{"type":"setDoNotSync"}""", 21)), StringComparison.Ordinal);
        var rulesBefore = (await editor.Api.GetFromJsonAsync<List<AutomationRule>>("automation-rules"))!.Count;

        var response = await editor.Api.PostAsync("automation-rules", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(member, out _), problem.ToString());
        Assert.Equal(rulesBefore, (await editor.Api.GetFromJsonAsync<List<AutomationRule>>("automation-rules"))!.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.Api.PostAsync("automation-rules/987654/run", null)).StatusCode);
    }
}
