using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sync.Contracts;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The whole system as it is deployed: the six services started from their build output as separate processes, on one
/// isolated virtual host of the real RabbitMQ and one key prefix of the real Redis. Shared by the end-to-end tests,
/// which run one at a time (one collection) and each use prospects of their own.
/// </summary>
public sealed class SyncSystem : IAsyncLifetime
{
    public const string ApiKey = "end-to-end-operator-key";
    public const string SalesUserToken = "sales-user-token";

    private readonly Dictionary<string, ServiceProcess> _services = new(StringComparer.Ordinal);
    private ServerLane _lane = null!;
    private IReadOnlyDictionary<string, string?> _settings = null!;

    public IsolatedVirtualHost Broker => _lane.Broker;

    /// <summary>A queue that keeps a copy of every SyncRequested published (see <see cref="SyncRequestsPublished"/>).</summary>
    private string _syncRequestedTap = null!;

    public ServiceProcess ActivityTracker => _services["activity-tracker"];

    public ServiceProcess ProspectEditor => _services["prospect-editor"];

    public ServiceProcess SyncEvaluator => _services["sync-evaluator"];

    public ServiceProcess SyncWorker => _services["sync-worker"];

    public ServiceProcess CrmSimulator => _services["crm-simulator"];

    public ServiceProcess CrmChangeListener => _services["crm-change-listener"];

    private static readonly (string Directory, string Assembly)[] Services =
    [
        ("crm-simulator", "Sync.CrmSimulator"),
        ("prospect-editor", "Sync.ProspectEditor"),
        ("sync-evaluator", "Sync.SyncEvaluator"),
        ("sync-worker", "Sync.SyncWorker"),
        ("crm-change-listener", "Sync.CrmChangeListener"),
        ("activity-tracker", "Sync.ActivityTracker"),
    ];

    private readonly Dictionary<string, int> _ports = Services.ToDictionary(service => service.Directory, _ => FreePorts.NextStable());

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("e2e");
        // MassTransit publishes a message type to the exchange named "namespace:type".
        _syncRequestedTap = await Broker.Tap($"{typeof(SyncRequested).Namespace}:{nameof(SyncRequested)}");
        _settings = TestSettings.Combine(_lane.Settings, new Dictionary<string, string?>
        {
            ["Sync:ApiKey"] = ApiKey,
            ["Services:ProspectEditor:Url"] = Url("prospect-editor"),
            ["Services:Crm:Url"] = Url("crm-simulator"),
            ["SyncWorker:RetryDelays:0"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Sync"] = "Information",
        }).ToDictionary(StringComparer.OrdinalIgnoreCase);

        // Started all at once, in no particular order: the publish-time bindings make the order irrelevant.
        var started = await Task.WhenAll(Services.Select(service => ServiceProcess.Start(service.Directory, service.Assembly, _ports[service.Directory], _settings)));
        foreach (var service in started)
            _services[service.Name] = service;
        foreach (var service in new[] { ProspectEditor, SyncEvaluator, SyncWorker, CrmChangeListener, ActivityTracker })
            service.Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        CrmSimulator.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SalesUserToken);
        CrmSimulator.Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    /// <summary>Stops one service and starts it again on the same port, data and broker, as an operator's restart does.</summary>
    public async Task Restart(string directory, Func<Task>? whileStopped = null)
    {
        var (_, assembly) = Services.Single(service => service.Directory == directory);
        await _services[directory].DisposeAsync();
        if (whileStopped is not null)
            await whileStopped();
        var restarted = await ServiceProcess.Start(directory, assembly, _ports[directory], _settings);
        if (directory != "crm-simulator")
            restarted.Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        _services[directory] = restarted;
    }

    /// <summary>
    /// The barrier after which "nothing more happens" can be asserted: the listener has handled the CRM feed up to the CRM's own
    /// head, no prospect of <paramref name="prospectIds"/> has a sync outstanding, the evaluator has seen each one's latest
    /// marketing-side change (its updated at has reached the prospect's), and every queue is drained with nothing unacknowledged.
    /// </summary>
    public async Task WaitUntilQuiet(IEnumerable<long> prospectIds, TimeSpan? timeout = null)
    {
        var ids = prospectIds.ToList();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        await Eventually.True(() => IsQuiet(ids), "the listener at the CRM's head, every change seen and no sync outstanding", limit);
        await Broker.WaitUntilDrained(limit);
        // Anything that was still in a queue when the first check passed has been handled now; it must not have woken anything.
        await Eventually.True(() => IsQuiet(ids), "the system to be quiet once the queues drained", limit);
    }

    private async Task<bool> IsQuiet(IReadOnlyList<long> prospectIds)
    {
        var feed = await CrmChangeListener.Http.GetFromJsonAsync<JsonElement>("feed/status");
        if (feed.GetProperty("position").ValueKind != JsonValueKind.Number)
            return false;
        var position = feed.GetProperty("position").GetInt64();
        var crmFeed = await CrmSimulator.Http.GetFromJsonAsync<JsonElement>($"services/data/v60.0/changes?after={position}&limit=1");
        if (crmFeed.GetProperty("headPosition").GetInt64() != position)
            return false;

        foreach (var id in prospectIds)
        {
            var status = await SyncStatus(id);
            if (status.GetProperty("syncOutstanding").GetBoolean())
                return false;
            var updatedAt = (await Prospect(id)).GetProperty("updatedAt").GetDateTimeOffset();
            var seenUpdatedAt = status.GetProperty("updatedAt");
            // The evaluator keeps milliseconds.
            if (seenUpdatedAt.ValueKind != JsonValueKind.String
                || seenUpdatedAt.GetDateTimeOffset().ToUnixTimeMilliseconds() < updatedAt.ToUnixTimeMilliseconds())
                return false;
        }
        return true;
    }

    /// <summary>
    /// Runs a test's steps; when they fail, the failure carries what each service printed last and the state of the queues, so
    /// that a failure seen once, in CI, can still be understood.
    /// </summary>
    public async Task Explain(Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception failure)
        {
            var report = new StringBuilder(failure.Message);
            foreach (var service in _services.Values)
                report.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}--- {service.Name} printed last:{Environment.NewLine}{service.LastLines(40)}");
            try
            {
                var queues = await Broker.Queues();
                report.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}--- queues (name: ready/unacknowledged/consumers): ")
                    .AppendJoin(", ", queues.Select(queue => $"{queue.Name}: {queue.Ready}/{queue.Unacknowledged}/{queue.Consumers}"));
            }
            catch (Exception unreadable)
            {
                report.Append(CultureInfo.InvariantCulture, $"{Environment.NewLine}--- queues unreadable: {unreadable.Message}");
            }
            throw new SystemStateException(report.ToString(), failure);
        }
    }

    /// <summary>How many SyncRequested were published since the system started, retries and duplicates included: an exact count.</summary>
    public async Task<uint> SyncRequestsPublished() => (await Broker.CountNow(_syncRequestedTap))!.Ready;

    public async Task<JsonElement> SyncStatus(long prospectId) =>
        await SyncEvaluator.Http.GetFromJsonAsync<JsonElement>($"prospects/{prospectId}/sync-status");

    public async Task<JsonElement> Prospect(long prospectId) =>
        await ProspectEditor.Http.GetFromJsonAsync<JsonElement>($"prospects/{prospectId}");

    /// <summary>CRM records by SOQL, as the sales user sees them.</summary>
    public async Task<IReadOnlyList<JsonElement>> CrmQuery(string soql)
    {
        var answer = await CrmSimulator.Http.GetFromJsonAsync<JsonElement>($"services/data/v60.0/query?q={Uri.EscapeDataString(soql)}");
        return [.. answer.GetProperty("records").EnumerateArray()];
    }

    public async Task<JsonElement?> LeadByEmail(string email) =>
        (await CrmQuery($"SELECT Id, Email, FirstName, LastName, Company, Title, City, OwnerId, LastModifiedDate, LastModifiedById, ProspectId__c FROM Lead WHERE Email = '{email}'"))
            is [var lead] ? lead : null;

    /// <summary>A form submission, as a web page posts it to activity-tracker; answers the prospect id.</summary>
    public async Task<long> SubmitForm(string email, IReadOnlyDictionary<string, string?> fields, string? visitorId = null)
    {
        using var response = await ActivityTracker.Http.PostAsJsonAsync("forms/contact-us/submissions", new { email, fields, visitorId });
        await EnsureSuccess(response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prospectId").GetInt64();
    }

    public static async Task EnsureSuccess(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static string NewEmail(string purpose) => $"{purpose}-{Guid.NewGuid():N}@example.com";

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_services.Values.Select(service => service.DisposeAsync().AsTask()));
        await _lane.DisposeAsync();
    }

    private string Url(string directory) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_ports[directory]}");
}

/// <summary>A test's failure, with the system's state when it failed; the original failure is the inner exception.</summary>
public sealed class SystemStateException(string message, Exception failure) : Exception(message, failure);

[CollectionDefinition(Name)]
public sealed class SyncSystemCollection : ICollectionFixture<SyncSystem>
{
    public const string Name = "The whole system";
}
