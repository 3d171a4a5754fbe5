using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults;

namespace Sync.Embedded;

/// <summary>
/// The scripted walk through the reference article, played by `dotnet run --project services/embedded -- demo`: each
/// step goes in through the same HTTP APIs a user calls, and the table shows what the sync-evaluator decided and why.
/// It exits 0 when every step behaved as the article says, 1 otherwise.
/// </summary>
internal sealed class DemoScenario(
    IHostApplicationLifetime lifetime, IOptions<EmbeddedPorts> ports, IOptions<SyncOptions> sync, ILogger<DemoScenario> logger) : BackgroundService
{
    private const string SalesUserToken = "sales-user-token";
    private const string SalesUserId = "005Sy0000000002IAA";
    private const int StepColumn = 52;

    private readonly HashSet<string> _seenDecisions = [];
    private HttpClient _tracker = null!, _editor = null!, _evaluator = null!, _crm = null!, _listener = null!;
    private bool _allAsExpected = true;

    public static int ExitCode { get; private set; } = 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStarted(stoppingToken);
            Connect();
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
        var email = $"ada.lovelace.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}@example.com";
        Console.WriteLine();
        Console.WriteLine($"Sync demo: every service in one process, in memory. The prospect is {email}.");
        Console.WriteLine();
        Console.WriteLine($"{"Step",-StepColumn} Sync?  Why (the sync-evaluator's decisions, newest last)");
        Console.WriteLine(new string('-', 140));

        var submitted = await Post(_tracker, "forms/contact-us/submissions", new
        {
            email,
            visitorId = "visitor-ada",
            fields = new Dictionary<string, string> { ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["company"] = "Analytical Engines" },
        }, cancellationToken);
        var prospectId = submitted.GetProperty("prospectId").GetInt64();
        await Step("1. Form submission from a new address", prospectId, expectSync: true, Decided.Event(submitted), cancellationToken);

        var opened = await Post(_tracker, "emails/welcome-1/opens", new { prospectId }, cancellationToken);
        await Step("2. Ada opens the welcome e-mail", prospectId, expectSync: false, Decided.Event(opened), cancellationToken);

        var anonymous = await Post(_tracker, "visitors/visitor-without-cookie/page-views", new { url = "https://example.com/pricing" }, cancellationToken);
        await Step("3. Page view by a visitor without a tracking cookie", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: $"activity-tracker: {anonymous.GetProperty("explanation").GetString()} (published: {anonymous.GetProperty("published")})");

        var viewed = await Post(_tracker, "visitors/visitor-ada/page-views", new { url = "https://example.com/pricing" }, cancellationToken);
        await Step("4. Ada views the pricing page (tracked, identified)", prospectId, expectSync: true, Decided.Event(viewed), cancellationToken);

        var link = await Post(_tracker, "links", new { target = "https://example.com/whitepaper", prospectId, kind = "emailLink", name = "Whitepaper" }, cancellationToken);
        using (var click = await _tracker.GetAsync($"r/{link.GetProperty("code").GetString()}?v=visitor-ada", cancellationToken))
            Expect(click.StatusCode == System.Net.HttpStatusCode.Redirect, "the tracked link to redirect");
        await Step("5. Ada clicks a tracked link in an e-mail", prospectId, expectSync: true, Decided.ByRule("EmailLinkClick"), cancellationToken);

        var lead = await WaitForLead(email, cancellationToken);
        await Patch(_crm, $"services/data/v60.0/sobjects/Lead/{lead}", new { Title = "Mathematician" }, cancellationToken);
        await Step("6. A sales rep edits the Lead's title in the CRM", prospectId, expectSync: true, Decided.ByRule("CrmFieldChange"), cancellationToken);

        await Put(_crm, "admin/formulas/score-band", new { warmAt = 1, hotAt = 2 }, cancellationToken);
        await Step("7. A CRM formula field is recalculated", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: "crm-change-listener: LastModifiedDate did not move, nothing published");

        var account = await Post(_crm, "services/data/v60.0/sobjects/Account", new { Name = "Analytical Engines Ltd" }, cancellationToken);
        await Patch(_crm, $"services/data/v60.0/sobjects/Account/{account.GetProperty("id").GetString()}", new { Rating = "Hot" }, cancellationToken);
        await Step("8. A CRM Account is edited", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: "crm-change-listener: an Account change touches no Lead or Contact, nothing published");

        var field = await Post(_editor, "custom-fields", new { name = "favouriteEngine", label = "Favourite engine" }, cancellationToken);
        await Step("9. Marketing creates a custom field", prospectId, expectSync: false, Decided.Nothing, cancellationToken,
            note: $"prospect-editor: {field.GetProperty("explanation").GetString()}");

        await Put(_editor, $"prospects/{prospectId}/assigned-user", new { assignedUser = SalesUserId, origin = "User", changedBy = "marketing-ops" }, cancellationToken);
        await Step("10. Marketing assigns Ada to a sales rep", prospectId, expectSync: true, Decided.ByRule("AssignedUserChange"), cancellationToken);

        await Put(_editor, $"prospects/{prospectId}/do-not-sync", new { doNotSync = true, origin = "User", changedBy = "marketing-ops" }, cancellationToken);
        await Step("11. Marketing sets Do Not Sync", prospectId, expectSync: false, Decided.ByRule("DoNotSyncSet"), cancellationToken);

        var registered = await Post(_tracker, "form-handlers/webinar/submissions", new { email, visitorId = "visitor-ada" }, cancellationToken);
        await Step("12. Ada registers for a webinar (form handler)", prospectId, expectSync: false, Decided.Event(registered), cancellationToken);

        await Put(_editor, $"prospects/{prospectId}/do-not-sync", new { doNotSync = false, origin = "User", changedBy = "marketing-ops" }, cancellationToken);
        await Step("13. Marketing clears Do Not Sync", prospectId, expectSync: true, Decided.ByRule("DoNotSyncCleared"), cancellationToken);

        await PostCsv(_editor, "imports", $"email,company\n{email},Analytical Engines\n", cancellationToken);
        await Step("14. An import lists Ada, values unchanged", prospectId, expectSync: true, Decided.ByRule("Import"), cancellationToken);

        await PrintCrmRecord(lead, prospectId, cancellationToken);
    }

    /// <summary>Waits for the pipeline to settle after a step, then prints the decisions the step caused.</summary>
    private async Task Step(string title, long prospectId, bool expectSync, Decided decided, CancellationToken cancellationToken, string? note = null)
    {
        var (settled, decisions) = await Settle(prospectId, decided, cancellationToken);
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

    /// <summary>
    /// Settled: the step's own event has its decision (when it reaches the evaluator at all), the listener has read the CRM's
    /// feed to the CRM's head, no sync is outstanding, and the evaluator has seen the prospect's latest change (the sync's own
    /// write-back included). Answers the decisions the step caused, oldest first.
    /// </summary>
    private async Task<(bool Settled, List<Decision> Decisions)> Settle(long prospectId, Decided decided, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        List<Decision> fresh = [];
        var settled = false;
        while (!settled && DateTimeOffset.UtcNow < deadline)
        {
            using var answer = await _evaluator.GetAsync($"prospects/{prospectId}/sync-status", cancellationToken);
            if (answer.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                var status = await Read(answer, cancellationToken);
                fresh = [.. status.GetProperty("decisions").EnumerateArray().Select(Decision.From).Where(decision => !_seenDecisions.Contains(decision.Key))];
                settled = decided.IsIn(fresh) && !status.GetProperty("syncOutstanding").GetBoolean()
                    && await ListenerAtCrmHead(cancellationToken) && await EvaluatorSawLatestChange(prospectId, status, cancellationToken);
            }
            if (!settled)
                await Task.Delay(50, cancellationToken);
        }
        fresh.ForEach(decision => _seenDecisions.Add(decision.Key));
        fresh.Reverse();
        return (settled, fresh);
    }

    private async Task<bool> ListenerAtCrmHead(CancellationToken cancellationToken)
    {
        var feed = await _listener.GetFromJsonAsync<JsonElement>("feed/status", cancellationToken);
        if (feed.GetProperty("position").ValueKind != JsonValueKind.Number)
            return false;
        var position = feed.GetProperty("position").GetInt64();
        var crm = await _crm.GetFromJsonAsync<JsonElement>($"services/data/v60.0/changes?after={position}&limit=1", cancellationToken);
        return crm.GetProperty("headPosition").GetInt64() == position;
    }

    private async Task<bool> EvaluatorSawLatestChange(long prospectId, JsonElement status, CancellationToken cancellationToken)
    {
        var prospect = await _editor.GetFromJsonAsync<JsonElement>($"prospects/{prospectId}", cancellationToken);
        var seen = status.GetProperty("updatedAt");
        // The evaluator keeps milliseconds.
        return seen.ValueKind == JsonValueKind.String
            && seen.GetDateTimeOffset().ToUnixTimeMilliseconds() >= prospect.GetProperty("updatedAt").GetDateTimeOffset().ToUnixTimeMilliseconds();
    }

    private async Task<string> WaitForLead(string email, CancellationToken cancellationToken)
    {
        var soql = Uri.EscapeDataString($"SELECT Id FROM Lead WHERE Email = '{email}'");
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var answer = await _crm.GetFromJsonAsync<JsonElement>($"services/data/v60.0/query?q={soql}", cancellationToken);
            if (answer.GetProperty("records").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } lead)
                return lead.GetProperty("Id").GetString()!;
            await Task.Delay(100, cancellationToken);
        }
        throw new InvalidOperationException("The prospect's Lead never appeared in the CRM.");
    }

    private async Task PrintCrmRecord(string leadId, long prospectId, CancellationToken cancellationToken)
    {
        var lead = await _crm.GetFromJsonAsync<JsonElement>($"services/data/v60.0/sobjects/Lead/{leadId}", cancellationToken);
        var prospect = await _editor.GetFromJsonAsync<JsonElement>($"prospects/{prospectId}", cancellationToken);
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

    private void Connect()
    {
        HttpClient Client(int port)
        {
            // Redirects are not followed: a tracked link's 302 is the answer the demo checks.
            var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
            {
                BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://localhost:{port}/")),
            };
            client.DefaultRequestHeaders.Add("X-Api-Key", sync.Value.ApiKey);
            return client;
        }

        _tracker = Client(ports.Value.ActivityTracker);
        _editor = Client(ports.Value.ProspectEditor);
        _evaluator = Client(ports.Value.SyncEvaluator);
        _listener = Client(ports.Value.CrmChangeListener);
        _crm = Client(ports.Value.CrmSimulator);
        _crm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SalesUserToken);
    }

    private static async Task<JsonElement> Post(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(path, body, cancellationToken);
        return await Read(response, cancellationToken);
    }

    private static async Task PostCsv(HttpClient client, string path, string csv, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"), cancellationToken);
        await Read(response, cancellationToken);
    }

    private static async Task Put(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PutAsJsonAsync(path, body, cancellationToken);
        await Read(response, cancellationToken);
    }

    private static async Task Patch(HttpClient client, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await client.PatchAsJsonAsync(path, body, cancellationToken);
        await Read(response, cancellationToken);
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>What marks a step's own event as decided: its event id, the rule it falls under, or nothing (it never reaches the evaluator).</summary>
    private sealed record Decided(string? EventId, string? Rule)
    {
        public static Decided Nothing { get; } = new(null, null);

        public static Decided Event(JsonElement accepted) => new(accepted.GetProperty("eventId").GetString(), null);

        public static Decided ByRule(string rule) => new(null, rule);

        public bool IsIn(IEnumerable<Decision> decisions) =>
            (EventId is null && Rule is null) || decisions.Any(decision => decision.EventId == EventId || decision.Rule == Rule);
    }

    private sealed record Decision(string Key, string EventId, string Rule, string Outcome, string Explanation)
    {
        public static Decision From(JsonElement decision) => new(
            $"{decision.GetProperty("eventId")}/{decision.GetProperty("rule")}/{decision.GetProperty("at")}",
            decision.GetProperty("eventId").GetString()!,
            decision.GetProperty("rule").GetString()!,
            decision.GetProperty("outcome").GetString()!,
            decision.GetProperty("explanation").GetString()!);
    }
}
