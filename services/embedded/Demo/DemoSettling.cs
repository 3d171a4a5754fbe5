using System.Net.Http.Json;
using System.Text.Json;

namespace Sync.Embedded.Demo;

/// <summary>
/// Waits for the embedded pipeline to settle after a step of the demo, and answers the decisions the step caused; each
/// decision is answered once, by the step that caused it.
/// </summary>
internal sealed class DemoSettling(DemoClients clients, TimeProvider time)
{
    private readonly HashSet<string> _seenDecisions = [];

    /// <summary>
    /// Settled: the step's own event has its decision (when it reaches the evaluator at all), the listener has read the CRM's
    /// feed to the CRM's head, no sync is outstanding, and the evaluator has seen the prospect's latest change (the sync's own
    /// write-back included). Answers the decisions the step caused, oldest first.
    /// </summary>
    public async Task<(bool Settled, List<Decision> Decisions)> Settle(long prospectId, Decided decided, CancellationToken cancellationToken)
    {
        // The host's clock (the system's when the demo runs), as the services it hosts wait on.
        var deadline = time.GetUtcNow().AddSeconds(30);
        List<Decision> fresh = [];
        var settled = false;
        while (!settled && time.GetUtcNow() < deadline)
        {
            using var answer = await clients.Evaluator.GetAsync($"prospects/{prospectId}/sync-status", cancellationToken);
            if (answer.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                var status = await DemoClients.Read(answer, cancellationToken);
                fresh = [.. status.GetProperty("decisions").EnumerateArray().Select(Decision.From).Where(decision => !_seenDecisions.Contains(decision.Key))];
                settled = decided.IsIn(fresh) && !status.GetProperty("syncOutstanding").GetBoolean()
                    && await ListenerAtCrmHead(cancellationToken) && await EvaluatorSawLatestChange(prospectId, status, cancellationToken);
            }
            if (!settled)
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
        }
        fresh.ForEach(decision => _seenDecisions.Add(decision.Key));
        fresh.Reverse();
        return (settled, fresh);
    }

    private async Task<bool> ListenerAtCrmHead(CancellationToken cancellationToken)
    {
        var feed = await clients.Listener.GetFromJsonAsync<JsonElement>("feed/status", cancellationToken);
        if (feed.GetProperty("position").ValueKind != JsonValueKind.Number)
            return false;
        var position = feed.GetProperty("position").GetInt64();
        var crm = await clients.Crm.GetFromJsonAsync<JsonElement>($"services/data/v60.0/changes?after={position}&limit=1", cancellationToken);
        return crm.GetProperty("headPosition").GetInt64() == position;
    }

    private async Task<bool> EvaluatorSawLatestChange(long prospectId, JsonElement status, CancellationToken cancellationToken)
    {
        var prospect = await clients.Editor.GetFromJsonAsync<JsonElement>($"prospects/{prospectId}", cancellationToken);
        var seen = status.GetProperty("updatedAt");
        // The evaluator keeps milliseconds.
        return seen.ValueKind == JsonValueKind.String
            && seen.GetDateTimeOffset().ToUnixTimeMilliseconds() >= prospect.GetProperty("updatedAt").GetDateTimeOffset().ToUnixTimeMilliseconds();
    }

    public async Task<string> WaitForLead(string email, CancellationToken cancellationToken)
    {
        var soql = Uri.EscapeDataString($"SELECT Id FROM Lead WHERE Email = '{email}'");
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var answer = await clients.Crm.GetFromJsonAsync<JsonElement>($"services/data/v60.0/query?q={soql}", cancellationToken);
            if (answer.GetProperty("records").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } lead)
                return lead.GetProperty("Id").GetString()!;
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
        throw new InvalidOperationException("The prospect's Lead never appeared in the CRM.");
    }
}
