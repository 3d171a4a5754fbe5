using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.EndToEnd.Tests.Infrastructure;
using Sync.Testing;

namespace Sync.EndToEnd.Tests;

/// <summary>
/// A new prospect costs one sync, though two events announce it (its creation, and the form or import that made it): whichever
/// arrives second is covered by the sync the first queued, because the worker's completion names the revision it read.
/// Counted exactly, on a tap of every SyncRequested published, between two barriers.
/// </summary>
[Collection(SyncSystemCollection.Name)]
public sealed class NewProspectSyncTests(SyncSystem system)
{
    private static readonly IReadOnlyDictionary<string, string?> Ada = new Dictionary<string, string?>
    {
        ["firstName"] = "Ada",
        ["lastName"] = "Lovelace",
        ["company"] = "Analytical Engines",
    };

    [Fact]
    public Task FormFromANewAddressPublishesExactlyOneSyncRequested() => system.Explain(async () =>
    {
        await system.WaitUntilQuiet([]);
        var before = await system.SyncRequestsPublished();

        var prospectId = await system.SubmitForm(SyncSystem.NewEmail("one-sync-form"), Ada);
        await Eventually.True(async () => (await system.SyncStatus(prospectId)).GetProperty("lastSyncedAt").ValueKind == JsonValueKind.String,
            "the new prospect to be synced");
        await system.WaitUntilQuiet([prospectId]);

        Assert.True(await system.SyncRequestsPublished() - before == 1, await Account(before, prospectId));
    });

    [Fact]
    public Task ImportOfAnUnchangedProspectANewOneAndABadRowPublishesExactlyTwoSyncRequested() => system.Explain(async () =>
    {
        var existingEmail = SyncSystem.NewEmail("import-unchanged");
        var existingId = await system.SubmitForm(existingEmail, Ada);
        await Eventually.True(async () => (await system.SyncStatus(existingId)).GetProperty("lastSyncedAt").ValueKind == JsonValueKind.String,
            "the existing prospect to be synced");
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
        await Eventually.True(async () => (await system.SyncStatus(newId)).GetProperty("lastSyncedAt").ValueKind == JsonValueKind.String,
            "the imported prospect to be synced");
        await Eventually.True(async () => (await Decisions(existingId)).Any(decision => decision.Rule == "Import"), "the import's decision on the existing prospect");
        await system.WaitUntilQuiet([existingId, newId]);

        // The unchanged prospect: the import forces its sync. The new one: its creation and its import share one.
        Assert.True(await system.SyncRequestsPublished() - before == 2, await Account(before, existingId, newId));
    });

    /// <summary>What the prospects' decisions say, for a count that came out wrong.</summary>
    private async Task<string> Account(uint before, params long[] prospectIds)
    {
        var text = new StringBuilder($"SyncRequested published: {await system.SyncRequestsPublished() - before}.");
        foreach (var prospectId in prospectIds)
        {
            text.Append($" Prospect {prospectId}:");
            foreach (var decision in (await Decisions(prospectId)).AsEnumerable().Reverse())
                text.Append($" [{decision.Rule} → {decision.Outcome}: {decision.Explanation}]");
        }
        return text.ToString();
    }

    private async Task<List<(string Rule, string Outcome, string Explanation)>> Decisions(long prospectId) =>
        [.. (await system.SyncStatus(prospectId)).GetProperty("decisions").EnumerateArray().Select(decision =>
            (decision.GetProperty("rule").GetString()!, decision.GetProperty("outcome").GetString()!, decision.GetProperty("explanation").GetString()!))];
}
