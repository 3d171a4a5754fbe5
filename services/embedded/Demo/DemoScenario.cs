using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sync.Embedded.Configuration;
using Sync.ServiceDefaults;

namespace Sync.Embedded.Demo;

/// <summary>
/// The scripted walk through the reference article, played by `dotnet run --project services/embedded -- demo`: each
/// step goes in through the same HTTP APIs a user calls (<see cref="DemoClients"/>), and the table shows what the
/// sync-evaluator decided and why, once the system settled (<see cref="DemoSettling"/>).
/// It exits 0 when every step behaved as the article says, 1 otherwise.
/// </summary>
internal sealed class DemoScenario(
    IHostApplicationLifetime lifetime, IOptions<EmbeddedPorts> ports, IOptions<SyncOptions> sync, TimeProvider time, ILogger<DemoScenario> logger)
    : BackgroundService
{
    private const string SalesUserId = "005Sy0000000002IAA";
    private const int StepColumn = 52;

    private DemoClients _clients = null!;
    private DemoSettling _settling = null!;
    private bool _allAsExpected = true;

    public static int ExitCode { get; private set; } = 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStarted(stoppingToken);
            using var clients = new DemoClients(ports.Value, sync.Value.ApiKey);
            (_clients, _settling) = (clients, new DemoSettling(clients, time));
            await Play(stoppingToken);
            ExitCode = _allAsExpected ? 0 : 1;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "The demo stopped");
            ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task Play(CancellationToken cancellationToken)
    {
        // The clock only makes the address new in each run; nothing is decided by it.
        var email = $"ada.lovelace.{time.GetUtcNow().ToUnixTimeSeconds()}@example.com";
        Console.WriteLine();
        Console.WriteLine($"Sync demo: every service in one process, in memory. The prospect is {email}.");
        Console.WriteLine();
        Console.WriteLine($"{"Step",-StepColumn} Sync?  Why (the sync-evaluator's decisions, newest last)");
        Console.WriteLine(new string('-', 140));

        var submitted = await DemoClients.Post(_clients.Tracker, "forms/contact-us/submissions", new
        {
            email,
            visitorId = "visitor-ada",
            fields = new Dictionary<string, string> { ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["company"] = "Analytical Engines" },
        }, cancellationToken);
        var prospectId = submitted.GetProperty("prospectId").GetInt64();
        await Step("1. Form submission from a new address", prospectId, expectSync: true, Decided.Event(submitted), cancellationToken);

        var opened = await DemoClients.Post(_clients.Tracker, "emails/welcome-1/opens", new { prospectId }, cancellationToken);
        await Step("2. Ada opens the welcome e-mail", prospectId, expectSync: false, Decided.Event(opened), cancellationToken);

        var anonymous = await DemoClients.Post(_clients.Tracker, "visitors/visitor-without-cookie/page-views", new { url = "https://example.com/pricing" }, cancellationToken);
        await Step("3. Page view by a visitor without a tracking cookie", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: $"activity-tracker: {anonymous.GetProperty("explanation").GetString()} (published: {anonymous.GetProperty("published")})");

        var viewed = await DemoClients.Post(_clients.Tracker, "visitors/visitor-ada/page-views", new { url = "https://example.com/pricing" }, cancellationToken);
        await Step("4. Ada views the pricing page (tracked, identified)", prospectId, expectSync: true, Decided.Event(viewed), cancellationToken);

        var link = await DemoClients.Post(_clients.Tracker, "links", new { target = "https://example.com/whitepaper", prospectId, kind = "emailLink", name = "Whitepaper" }, cancellationToken);
        using (var click = await _clients.Tracker.GetAsync($"r/{link.GetProperty("code").GetString()}?v=visitor-ada", cancellationToken))
            Expect(click.StatusCode == System.Net.HttpStatusCode.Redirect, "the tracked link to redirect");
        await Step("5. Ada clicks a tracked link in an e-mail", prospectId, expectSync: true, Decided.ByRule("EmailLinkClick"), cancellationToken);

        var lead = await _settling.WaitForLead(email, cancellationToken);
        await DemoClients.Patch(_clients.Crm, $"services/data/v60.0/sobjects/Lead/{lead}", new { Title = "Mathematician" }, cancellationToken);
        await Step("6. A sales rep edits the Lead's title in the CRM", prospectId, expectSync: true, Decided.ByRule("CrmFieldChange"), cancellationToken);

        await DemoClients.Put(_clients.Crm, "admin/formulas/score-band", new { warmAt = 1, hotAt = 2 }, cancellationToken);
        await Step("7. A CRM formula field is recalculated", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: "crm-change-listener: LastModifiedDate did not move, nothing published");

        var account = await DemoClients.Post(_clients.Crm, "services/data/v60.0/sobjects/Account", new { Name = "Analytical Engines Ltd" }, cancellationToken);
        await DemoClients.Patch(_clients.Crm, $"services/data/v60.0/sobjects/Account/{account.GetProperty("id").GetString()}", new { Rating = "Hot" }, cancellationToken);
        await Step("8. A CRM Account is edited", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: "crm-change-listener: an Account change touches no Lead or Contact, nothing published");

        var field = await DemoClients.Post(_clients.Editor, "custom-fields", new { name = "favouriteEngine", label = "Favourite engine" }, cancellationToken);
        await Step("9. Marketing creates a custom field", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: $"prospect-editor: {field.GetProperty("explanation").GetString()}");

        await DemoClients.Put(_clients.Editor, $"prospects/{prospectId}/assigned-user", new { assignedUser = SalesUserId, origin = "User", changedBy = "marketing-ops" }, cancellationToken);
        await Step("10. Marketing assigns Ada to a sales rep", prospectId, expectSync: true, Decided.ByRule("AssignedUserChange"), cancellationToken);

        await DemoClients.Put(_clients.Editor, $"prospects/{prospectId}/do-not-sync", new { doNotSync = true, origin = "User", changedBy = "marketing-ops" }, cancellationToken);
        await Step("11. Marketing sets Do Not Sync", prospectId, expectSync: false, Decided.ByRule("DoNotSyncSet"), cancellationToken);

        var registered = await DemoClients.Post(_clients.Tracker, "form-handlers/webinar/submissions", new { email, visitorId = "visitor-ada" }, cancellationToken);
        await Step("12. Ada registers for a webinar (form handler)", prospectId, expectSync: false, Decided.Event(registered), cancellationToken);

        await DemoClients.Put(_clients.Editor, $"prospects/{prospectId}/do-not-sync", new { doNotSync = false, origin = "User", changedBy = "marketing-ops" }, cancellationToken);
        await Step("13. Marketing clears Do Not Sync", prospectId, expectSync: true, Decided.ByRule("DoNotSyncCleared"), cancellationToken);

        await DemoClients.PostCsv(_clients.Editor, "imports", $"email,company\n{email},Analytical Engines\n", cancellationToken);
        await Step("14. An import lists Ada, values unchanged", prospectId, expectSync: true, Decided.ByRule("Import"), cancellationToken);

        await PrintCrmRecord(lead, prospectId, cancellationToken);
    }

    /// <summary>Waits for the pipeline to settle after a step, then prints the decisions the step caused.</summary>
    private async Task Step(string title, long prospectId, bool expectSync, Decided decided, CancellationToken cancellationToken, string? note = null)
    {
        var (settled, decisions) = await _settling.Settle(prospectId, decided, cancellationToken);
        var triggers = decisions.Where(decision => decision.Rule is not ("SyncCompleted" or "SyncOwnWrite")).ToList();
        var queued = triggers.Any(decision => decision.Outcome is "SyncQueued" or "JoinedOutstandingSync");
        var asExpected = settled && queued == expectSync;
        _allAsExpected &= asExpected;

        var lines = decisions.Select(decision => $"{decision.Rule}: {decision.Explanation}").ToList();
        if (note is not null)
            lines.Insert(0, note);
        if (lines.Count == 0)
            lines.Add("no event reached the sync-evaluator");
        if (!settled)
            lines.Add("the system did not settle within 30 s");
        var verdict = (queued ? "yes" : "no") + (asExpected ? "" : " (UNEXPECTED)");
        Console.WriteLine($"{title,-StepColumn} {verdict,-6} {lines[0]}");
        foreach (var line in lines.Skip(1))
            Console.WriteLine($"{"",-StepColumn} {"",-6} {line}");
    }

    private async Task PrintCrmRecord(string leadId, long prospectId, CancellationToken cancellationToken)
    {
        var lead = await _clients.Crm.GetFromJsonAsync<JsonElement>($"services/data/v60.0/sobjects/Lead/{leadId}", cancellationToken);
        var prospect = await _clients.Editor.GetFromJsonAsync<JsonElement>($"prospects/{prospectId}", cancellationToken);
        Console.WriteLine();
        Console.WriteLine($"The CRM record at the end (Lead {leadId}, as the sales rep sees it):");
        foreach (var name in new[] { "FirstName", "LastName", "Company", "Title", "Email", "OwnerId", "ProspectId__c", "Score_Band__c", "LastModifiedDate", "LastModifiedById" })
            Console.WriteLine($"  {name,-18} {(lead.TryGetProperty(name, out var value) ? value.ToString() : "")}");
        Console.WriteLine();
        Console.WriteLine($"The prospect at the end: title \"{prospect.GetProperty("fields").GetProperty("title").GetString()}\" came back from the CRM; " +
            $"revision {prospect.GetProperty("revision").GetInt64()}, CRM record {prospect.GetProperty("crmRecordId").GetString()}.");
        Console.WriteLine(_allAsExpected
            ? "Every step behaved as the article says."
            : "Some step did not behave as the article says (marked UNEXPECTED).");
    }

    private void Expect(bool condition, string what)
    {
        if (!condition)
        {
            _allAsExpected = false;
            Console.WriteLine($"UNEXPECTED: expected {what}");
        }
    }

    private async Task WhenStarted(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(cancellationToken);
    }
}
