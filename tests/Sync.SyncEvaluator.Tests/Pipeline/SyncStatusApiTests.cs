using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.Contracts;
using Sync.Rules;
using Sync.SyncEvaluator.Apis;

namespace Sync.SyncEvaluator.Tests.Pipeline;

public abstract class SyncStatusApiTests(EvaluatorHost evaluator)
{
    [Fact]
    public async Task UnknownProspectIsA404Problem()
    {
        var response = await evaluator.Host.Http.GetAsync($"prospects/{EvaluatorHost.NewProspect()}/sync-status");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unknown prospect", problem.GetProperty("title").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task SyncStatusNeedsTheOperatorKey()
    {
        using var anonymous = new HttpClient { BaseAddress = evaluator.Host.Address };

        var response = await anonymous.GetAsync($"prospects/{EvaluatorHost.NewProspect()}/sync-status");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task StatusShowsTheFourDatesTheOutstandingSyncAndEachDecisionInPlainWords()
    {
        var prospect = EvaluatorHost.NewProspect();
        var open = Events.Activity(prospect, ActivityKind.EmailOpen);
        var form = Events.Activity(prospect, ActivityKind.FormSubmission);
        await evaluator.Publish(open);
        await evaluator.Decision(prospect, open.EventId);
        await evaluator.Publish(form);
        await evaluator.Decision(prospect, form.EventId);
        var request = (await evaluator.SyncRequests(prospect, 1))[0];
        var crm = Events.CrmChange(prospect, CrmObjectType.Lead, CrmChangeKind.Updated, DateTimeOffset.UtcNow);
        await evaluator.Publish(crm);
        await evaluator.Decision(prospect, crm.EventId);

        var status = (await evaluator.Status(prospect))!;

        Assert.Equal(SyncStateMachineMilliseconds(form.OccurredAt), status.LastActivityAt);
        Assert.Equal(SyncStateMachineMilliseconds(crm.LastModifiedDate!.Value), status.CrmLastModifiedAt);
        Assert.Null(status.UpdatedAt);
        Assert.Null(status.LastSyncedAt);
        Assert.False(status.DoNotSync);
        Assert.Equal((request.SyncId, 1L, 1), (status.OutstandingSync!.SyncId, status.OutstandingSync.Version, status.OutstandingSync.Issue));
        Assert.True(status.OutstandingSync.LeaseUntil > status.OutstandingSync.IssuedAt);
        Assert.Equal([crm.EventId, form.EventId, open.EventId], status.Decisions.Select(decision => decision.EventId));
        Assert.Equal(["CrmRecordChanged", "ProspectActivityRecorded", "ProspectActivityRecorded"], status.Decisions.Select(decision => decision.EventType));
        Assert.Equal("E-mail open is passive (scanners open mail too): no sync", status.Decisions[2].Explanation);
        Assert.StartsWith("Form submission is intent: last activity ", status.Decisions[1].Explanation, StringComparison.Ordinal);
        Assert.EndsWith(", never synced before: sync queued", status.Decisions[1].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterAFailedSyncNoSyncIsPendingButTheStatusSaysTheCrmLacksTheChange()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.Activity(prospect, ActivityKind.FormSubmission));
        var request = (await evaluator.SyncRequests(prospect, 1))[0];
        var queued = (await evaluator.Status(prospect))!;

        var failed = Events.Completed(request, SyncOutcome.Failed);
        await evaluator.Publish(failed);
        await evaluator.Decision(prospect, failed.EventId);
        var status = (await evaluator.Status(prospect))!;

        Assert.True(queued.ChangesPending);
        Assert.True(queued.ChangesNotInCrm);
        Assert.False(status.SyncOutstanding);
        Assert.False(status.ChangesPending);
        Assert.True(status.ChangesNotInCrm);
        Assert.Equal((1L, 1L, 0L), (status.Version, status.SettledVersion, status.SyncedVersion));
    }

    [Fact]
    public async Task WhatIfAnswersWithoutChangingAnything()
    {
        var prospect = EvaluatorHost.NewProspect();
        var form = Events.Activity(prospect, ActivityKind.FormSubmission);
        await evaluator.Publish(form);
        // Consumed: the request confirmed and marked published, so the lease no longer moves under the comparison below.
        await evaluator.Consumed(form.EventId);
        await evaluator.SyncRequests(prospect, 1);
        var before = await evaluator.Host.Http.GetStringAsync($"prospects/{prospect}/sync-status");

        var joined = await WhatIf(prospect, "ProspectChanged", new JsonObject { ["kind"] = "FieldsUpdated", ["origin"] = "User" });
        var open = await WhatIf(prospect, "ProspectActivityRecorded", new JsonObject { ["kind"] = "EmailOpen" });
        var again = await WhatIf(prospect, "ProspectActivityRecorded", new JsonObject { ["eventId"] = form.EventId, ["kind"] = "FormSubmission" });

        Assert.Equal((DecisionOutcome.JoinedOutstandingSync, nameof(SyncRules.ProspectFieldChange)), (joined.Decision!.Outcome, joined.Decision.Rule));
        Assert.Null(joined.WouldPublish);
        Assert.Equal("E-mail open is passive (scanners open mail too): no sync", open.Decision!.Explanation);
        Assert.False(again.Applied);
        Assert.Equal(before, await evaluator.Host.Http.GetStringAsync($"prospects/{prospect}/sync-status"));
        Assert.Single(await evaluator.SyncRequests(prospect));
    }

    [Fact]
    public async Task WhatIfForAProspectNeverSeenTellsWhatItsFirstEventWouldDoAndCreatesNothing()
    {
        var prospect = EvaluatorHost.NewProspect();

        var answer = await WhatIf(prospect, "CrmRecordChanged",
            new JsonObject { ["objectType"] = "Contact", ["crmRecordId"] = "003X", ["kind"] = "Updated", ["lastModifiedDate"] = DateTimeOffset.UtcNow });

        Assert.False(answer.ProspectKnown);
        Assert.Equal(DecisionOutcome.SyncQueued, answer.Decision!.Outcome);
        Assert.Equal((prospect, 1L), (answer.WouldPublish!.ProspectId, answer.WouldPublish.Version));
        Assert.Null(await evaluator.Status(prospect));
    }

    [Fact]
    public async Task WhatIfWithAnInvalidEventNamesTheMemberAtFault()
    {
        var prospect = EvaluatorHost.NewProspect();

        var unknownType = await evaluator.Host.Http.PostAsJsonAsync($"prospects/{prospect}/sync-status/what-if",
            new { eventType = "ProspectDeleted", @event = new { } });
        var badKind = await evaluator.Host.Http.PostAsJsonAsync($"prospects/{prospect}/sync-status/what-if",
            new { eventType = "ProspectActivityRecorded", @event = new { kind = "Telepathy" } });
        // Well-formed JSON that breaks the contract's own rules: each problem under the member it is about.
        var syncWriteWithoutSyncId = await evaluator.Host.Http.PostAsJsonAsync($"prospects/{prospect}/sync-status/what-if",
            new { eventType = "ProspectChanged", @event = new { kind = "FieldsUpdated", origin = "Sync", revision = -1 } });

        Assert.Equal(HttpStatusCode.BadRequest, unknownType.StatusCode);
        Assert.True((await unknownType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("eventType", out _));
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        Assert.True((await badKind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("event.kind", out _));
        Assert.Equal(HttpStatusCode.BadRequest, syncWriteWithoutSyncId.StatusCode);
        var errors = (await syncWriteWithoutSyncId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["event.revision", "event.syncId"], errors.EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
        Assert.Equal("syncId is required when origin is Sync", errors.GetProperty("event.syncId")[0].GetString());
    }

    [Fact]
    public async Task SyncStatusShowsTheLast50DecisionsNewestFirst()
    {
        var prospect = EvaluatorHost.NewProspect();
        var opens = Enumerable.Range(0, 53).Select(_ => Events.Activity(prospect, ActivityKind.EmailOpen)).ToList();

        await Task.WhenAll(opens.Select(evaluator.Publish));
        foreach (var open in opens)
            await evaluator.Consumed(open.EventId);
        var decisions = (await evaluator.Status(prospect))!.Decisions;

        Assert.Equal(50, decisions.Count);
        Assert.Equal(decisions.Select(decision => decision.At), decisions.Select(decision => decision.At).OrderDescending());
        Assert.Subset(opens.Select(open => open.EventId).ToHashSet(), decisions.Select(decision => decision.EventId).ToHashSet());
    }

    [Theory]
    [InlineData("ProspectActivityRecorded", """{"kind":42}""", "event.kind")]
    [InlineData("ProspectChanged", """{"kind":99,"origin":"User"}""", "event.kind")]
    [InlineData("ProspectsImported", """{"prospectIds":null}""", "event.prospectIds")]
    public async Task WhatIfWithAnEventTheContractRefusesAnswers400NotAServerError(string eventType, string json, string member)
    {
        var prospect = EvaluatorHost.NewProspect();

        var answer = await evaluator.Host.Http.PostAsync($"prospects/{prospect}/sync-status/what-if", new StringContent(
            $$"""{"eventType":"{{eventType}}","event":{{json}}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.True((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(member, out _), await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RuleCatalogueListsEveryTriggerAndNonTrigger()
    {
        var rules = (await evaluator.Host.Http.GetFromJsonAsync<List<RuleResponse>>("rules", EvaluatorHost.Json))!;

        Assert.Equal(SyncRules.All.Select(rule => rule.Name), rules.Select(rule => rule.Name));
        var customField = rules.Single(rule => rule.Name == nameof(SyncRules.CustomFieldCreated));
        Assert.False(customField.QueuesSync);
        Assert.Equal(ProspectDate.LastActivity, rules.Single(rule => rule.Name == nameof(SyncRules.TrackedPageView)).Moves);
    }

    private async Task<WhatIfResponse> WhatIf(long prospect, string eventType, JsonObject @event)
    {
        var response = await evaluator.Host.Http.PostAsJsonAsync($"prospects/{prospect}/sync-status/what-if", new { eventType, @event });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WhatIfResponse>(EvaluatorHost.Json))!;
    }

    private static DateTimeOffset SyncStateMachineMilliseconds(DateTimeOffset value) => SyncStateMachine.ToMilliseconds(value);
}
