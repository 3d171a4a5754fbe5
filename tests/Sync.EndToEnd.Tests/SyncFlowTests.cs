using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.EndToEnd.Tests.Infrastructure;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;

namespace Sync.EndToEnd.Tests;

/// <summary>The flows of the system, through every service as a separate process on the real RabbitMQ and Redis.</summary>
[Collection(SyncSystemCollection.Name)]
public sealed class SyncFlowTests(SyncSystem system)
{
    private static readonly IReadOnlyDictionary<string, string?> Ada = new Dictionary<string, string?>
    {
        ["firstName"] = "Ada",
        ["lastName"] = "Lovelace",
        ["company"] = "Analytical Engines",
    };

    [Fact]
    public Task FormSubmissionForANewAddressBecomesALeadAndTheProspectIsMarkedSynced() => system.Explain(async () =>
    {
        var email = SyncSystem.NewEmail("form");

        var prospectId = await system.SubmitForm(email, Ada);

        var lead = await Eventually.Until(() => system.LeadByEmail(email), "the prospect's Lead in the CRM");
        Assert.Equal("Lovelace", lead.Text("LastName"));
        Assert.Equal("Analytical Engines", lead.Text("Company"));
        Assert.Equal(prospectId.ToString(System.Globalization.CultureInfo.InvariantCulture), lead.Text("ProspectId__c"));

        var status = await WaitUntilSynced(prospectId);
        Assert.True(status.GetProperty("lastSyncedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var decisions = Decisions(status);
        Assert.Contains(decisions, decision => decision.Rule is "FormSubmission" or "ProspectCreated" && decision.Outcome == "SyncQueued");
        Assert.Contains(decisions, decision => decision.Rule == "SyncCompleted");

        var prospect = await system.Prospect(prospectId);
        Assert.Equal(lead.Text("Id"), prospect.GetProperty("crmRecordId").GetString());
        Assert.Equal("Lead", prospect.GetProperty("crmObjectType").GetString());
    });

    [Fact]
    public Task LeadEditedInTheCrmFlowsBackIntoTheProspectAndTheSystemGoesQuiet() => system.Explain(async () =>
    {
        var email = SyncSystem.NewEmail("crm-edit");
        var prospectId = await system.SubmitForm(email, Ada);
        var lead = await Eventually.Until(() => system.LeadByEmail(email), "the prospect's Lead in the CRM");
        await WaitUntilSynced(prospectId);

        using (var edit = await system.CrmSimulator.Http.PatchAsJsonAsync($"services/data/v60.0/sobjects/Lead/{lead.Text("Id")}", new { Title = "Chief Analyst" }))
            await SyncSystem.EnsureSuccess(edit);

        await Eventually.True(async () => (await system.Prospect(prospectId)).Field("title") == "Chief Analyst",
            "the CRM's new title in the prospect");
        await system.WaitUntilQuiet([prospectId]);

        var decisions = Decisions(await system.SyncStatus(prospectId));
        Assert.Contains(decisions, decision => decision.Rule == "CrmFieldChange" && decision.Outcome is "SyncQueued" or "JoinedOutstandingSync");
        // The sync's own write into the prospect came back as a ProspectChanged and was recognised as such.
        Assert.Contains(decisions, decision => decision.Rule == "SyncOwnWrite" && decision.Outcome == "OwnWrite");
        var leadAfter = await system.LeadByEmail(email);
        Assert.Equal("Chief Analyst", leadAfter!.Value.Text("Title"));

        await AssertNothingMoreHappens([prospectId]);
    });

    [Fact]
    public Task BurstOfChangesOnBothSidesSettlesWithBothSidesAlikeAndNoFurtherSyncRequested() => system.Explain(async () =>
    {
        var emails = Enumerable.Range(0, 24).Select(index => SyncSystem.NewEmail($"burst{index}")).ToList();
        var prospectIds = await Task.WhenAll(emails.Select(email => system.SubmitForm(email, Ada)));
        var leads = await Task.WhenAll(emails.Select(email => Eventually.Until(() => system.LeadByEmail(email), "every Lead in the CRM")));

        // Marketing-side edits for every prospect, CRM-side edits for a third of them, e-mail opens for the rest.
        await Task.WhenAll(prospectIds.Select(async (prospectId, index) =>
        {
            using var edit = await system.ProspectEditor.Http.PatchAsJsonAsync($"prospects/{prospectId}",
                new { fields = new Dictionary<string, string?> { ["company"] = $"Engines {index}" } });
            await SyncSystem.EnsureSuccess(edit);
            if (index % 3 == 0)
            {
                using var crmEdit = await system.CrmSimulator.Http.PatchAsJsonAsync($"services/data/v60.0/sobjects/Lead/{leads[index].Text("Id")}",
                    new { City = $"City {index}" });
                await SyncSystem.EnsureSuccess(crmEdit);
            }
            else
            {
                using var open = await system.ActivityTracker.Http.PostAsJsonAsync("emails/newsletter-1/opens", new { prospectId });
                await SyncSystem.EnsureSuccess(open);
            }
        }));

        string? mismatch = null;
        await Eventually.True(async () =>
        {
            foreach (var (email, index) in emails.Select((email, index) => (email, index)))
            {
                var lead = await system.LeadByEmail(email);
                var prospect = await system.Prospect(prospectIds[index]);
                mismatch = $"prospect {prospectIds[index]}: CRM company '{lead?.Text("Company")}', prospect company '{prospect.Field("company")}', " +
                    $"CRM city '{lead?.Text("City")}', prospect city '{prospect.Field("city")}'";
                if (lead?.Text("Company") != $"Engines {index}" || prospect.Field("company") != $"Engines {index}"
                    || (index % 3 == 0 && (prospect.Field("city") != $"City {index}" || lead?.Text("City") != $"City {index}")))
                    return false;
            }
            return true;
        }, "both sides to hold every change").ContinueWith(waited =>
        {
            if (waited.IsFaulted)
                throw new TimeoutException($"{waited.Exception!.InnerException!.Message} Last difference: {mismatch}");
        }, TaskScheduler.Default);
        await system.WaitUntilQuiet(prospectIds);

        foreach (var prospectId in prospectIds)
        {
            var status = await system.SyncStatus(prospectId);
            Assert.False(status.GetProperty("changesPending").GetBoolean());
            Assert.Equal(status.GetProperty("version").GetInt64(), status.GetProperty("syncedVersion").GetInt64());
            Assert.Contains(Decisions(status), decision => decision.Rule == "EmailOpen" && decision.Outcome == "NoSync"
                || decision.Rule == "CrmFieldChange");
        }
        await AssertNothingMoreHappens(prospectIds);
    });

    [Fact]
    public Task FormSubmittedWhileTheEvaluatorIsDownIsSyncedOnceItIsBack() => system.Explain(async () =>
    {
        var email = SyncSystem.NewEmail("evaluator-down");
        long prospectId = 0;

        await system.Restart("sync-evaluator", whileStopped: async () =>
        {
            prospectId = await system.SubmitForm(email, Ada);
            var waiting = await Eventually.Until(async () => await system.Broker.CountNow(SyncQueues.EvaluatorEvents) is { Ready: > 0 } queue ? queue : null,
                "the submission to wait in the sync-evaluator queue");
            Assert.Equal(0u, waiting.Consumers);
        });

        await Eventually.Until(() => system.LeadByEmail(email), "the Lead in the CRM after the evaluator came back");
        await WaitUntilSynced(prospectId);
    });

    // A new prospect costs one sync, though two events announce it (its creation, and the form or import that made it): whichever
    // arrives second is covered by the sync the first queued, as the worker's completion names the revision it read. Counted
    // exactly, on the tap of every SyncRequested published, between two barriers.
    [Fact]
    public Task FormFromANewAddressPublishesExactlyOneSyncRequested() => system.Explain(async () =>
    {
        await system.WaitUntilQuiet([]);
        var before = await system.SyncRequestsPublished();

        var prospectId = await system.SubmitForm(SyncSystem.NewEmail("one-sync-form"), Ada);
        await WaitUntilSynced(prospectId);
        await system.WaitUntilQuiet([prospectId]);

        Assert.True(await system.SyncRequestsPublished() - before == 1, await Account(before, prospectId));
    });

    [Fact]
    public Task ImportOfAnUnchangedProspectANewOneAndABadRowPublishesExactlyTwoSyncRequested() => system.Explain(async () =>
    {
        var existingEmail = SyncSystem.NewEmail("import-unchanged");
        var existingId = await system.SubmitForm(existingEmail, Ada);
        await WaitUntilSynced(existingId);
        await system.WaitUntilQuiet([existingId]);
        var before = await system.SyncRequestsPublished();

        var newEmail = SyncSystem.NewEmail("import-new");
        var csv = $"email,firstName,lastName,company\n{existingEmail},Ada,Lovelace,Analytical Engines\n{newEmail},Grace,Hopper,Navy\nnot-an-email,Bad,Row,Co\n";
        using (var response = await system.ProspectEditor.Http.PostAsync("imports", new StringContent(csv, Encoding.UTF8, "text/csv")))
        {
            await SyncSystem.EnsureSuccess(response);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal((1, 1, 1), (report.GetProperty("created").GetInt32(), report.GetProperty("unchanged").GetInt32(), report.GetProperty("rejected").GetInt32()));
        }
        var newId = (await system.ProspectEditor.Http.GetFromJsonAsync<JsonElement>($"prospects?email={Uri.EscapeDataString(newEmail)}")).GetProperty("id").GetInt64();
        await WaitUntilSynced(newId);
        await Eventually.True(async () => Decisions(await system.SyncStatus(existingId)).Any(decision => decision.Rule == "Import"),
            "the import's decision on the existing prospect");
        await system.WaitUntilQuiet([existingId, newId]);

        // The unchanged prospect: the import forces its sync. The new one: its creation and its import share one.
        Assert.True(await system.SyncRequestsPublished() - before == 2, await Account(before, existingId, newId));
    });

    /// <summary>What the prospects' decisions say, oldest first, for a count that came out wrong.</summary>
    private async Task<string> Account(uint before, params long[] prospectIds)
    {
        var text = new StringBuilder($"SyncRequested published: {await system.SyncRequestsPublished() - before}.");
        foreach (var prospectId in prospectIds)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" Prospect {prospectId}:");
            foreach (var decision in (await system.SyncStatus(prospectId)).GetProperty("decisions").EnumerateArray().Reverse())
                text.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $" [{decision.GetProperty("rule")} → {decision.GetProperty("outcome")}: {decision.GetProperty("explanation")}]");
        }
        return text.ToString();
    }

    private async Task<JsonElement> WaitUntilSynced(long prospectId) =>
        await Eventually.Until<JsonElement>(async () =>
        {
            var status = await system.SyncStatus(prospectId);
            return status.GetProperty("lastSyncedAt").ValueKind == JsonValueKind.String && !status.GetProperty("syncOutstanding").GetBoolean()
                ? status
                : null;
        }, $"prospect {prospectId} to be synced");

    /// <summary>
    /// The system is quiet; it must stay so: across a second barrier (a fresh read of the CRM feed, queues drained) no
    /// SyncRequested is published and no prospect takes a new decision.
    /// </summary>
    private async Task AssertNothingMoreHappens(IReadOnlyList<long> prospectIds)
    {
        await system.WaitUntilQuiet(prospectIds);
        var requestsBefore = await system.SyncRequestsPublished();
        Assert.True(requestsBefore > 0, "The tap saw none of the SyncRequested that synced these prospects, so it could not see a later one either.");
        var decisionsBefore = await LatestDecisions(prospectIds);
        var quietAt = DateTimeOffset.UtcNow;

        // A fresh read of the CRM feed after the first barrier: a change the sync itself made to the CRM would show up here.
        await Eventually.True(async () =>
        {
            var feed = await system.CrmChangeListener.Http.GetFromJsonAsync<JsonElement>("feed/status");
            return feed.GetProperty("lastReadAt").GetDateTimeOffset() > quietAt;
        }, "the listener to read the CRM feed again");
        await system.WaitUntilQuiet(prospectIds);

        var requestsAfter = await system.SyncRequestsPublished();
        var decisionsAfter = await LatestDecisions(prospectIds);
        Assert.True(requestsBefore == requestsAfter && decisionsBefore.SequenceEqual(decisionsAfter),
            $"Something happened after the system was quiet: SyncRequested published {requestsBefore} → {requestsAfter}; " +
            $"latest decisions [{string.Join(", ", decisionsBefore)}] → [{string.Join(", ", decisionsAfter)}].");
    }

    /// <summary>Each prospect's newest decision (the list keeps only the latest ones, newest first), to tell whether any came since.</summary>
    private async Task<string[]> LatestDecisions(IReadOnlyList<long> prospectIds) =>
        await Task.WhenAll(prospectIds.Select(async id =>
        {
            var decisions = (await system.SyncStatus(id)).GetProperty("decisions");
            return decisions.GetArrayLength() == 0
                ? ""
                : $"{decisions[0].GetProperty("eventId")}/{decisions[0].GetProperty("rule")}/{decisions[0].GetProperty("at")}";
        }));

    private static List<(string Rule, string Outcome)> Decisions(JsonElement status) =>
        [.. status.GetProperty("decisions").EnumerateArray().Select(decision => (decision.GetProperty("rule").GetString()!, decision.GetProperty("outcome").GetString()!))];
}

internal static class JsonReading
{
    public static string? Text(this JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    public static string? Field(this JsonElement prospect, string field) =>
        prospect.GetProperty("fields").TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
