using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Apis;
using Sync.CrmSimulator.Extensions;
using Sync.Testing.Hosting;

namespace Sync.CrmSimulator.Tests.Support;

/// <summary>
/// crm-simulator hosted in the test process on real Kestrel, against the real Redis (or in memory), with clients signed
/// in as its users and one holding the operator key. It consumes and publishes nothing, so it is hosted without the bus.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    public const string ApiKey = "simulator-test-operator-key";
    public const string SalesToken = "sales-user-token";
    public const string IntegrationToken = "sync-integration-token";
    public const string SalesUserId = "005Sy0000000002IAA";
    public const string IntegrationUserId = "005Sy0000000001IAA";
    public const string AutomatedProcessUserId = "005Sy0000000000IAA";
    public const string Api = "services/data/v60.0/";

    /// <summary>Field names as written (Salesforce's are PascalCase), where the default web options would camel-case them.</summary>
    public static readonly JsonSerializerOptions FieldNames = new(JsonSerializerOptions.Web) { PropertyNamingPolicy = null };

    private readonly List<HttpClient> _clients = [];

    private SimulatorHost(TestServiceHost host)
    {
        Host = host;
        Sales = Client(SalesToken);
        Integration = Client(IntegrationToken);
        Anonymous = Client(null);
    }

    /// <summary>crm-simulator as its Program.cs hosts it. It consumes and publishes nothing, so it has no bus.</summary>
    public static ServiceRecipe Recipe { get; } = new("crm-simulator", builder => builder.AddCrmSimulator(), AddConsumers: null, app => app.MapCrmSimulatorApi());

    public TestServiceHost Host { get; }

    public Uri Address => Host.Address;

    /// <summary>Signed in as the sales rep, a person working in the CRM.</summary>
    public HttpClient Sales { get; }

    /// <summary>Signed in as the sync's integration user.</summary>
    public HttpClient Integration { get; }

    public HttpClient Anonymous { get; }

    /// <summary>Sends the operator key, for /admin.</summary>
    public HttpClient Admin => Host.Http;

    /// <param name="settings">The Redis key prefix (or Sync:Mode Embedded) and the simulator's own knobs, composed by the caller.</param>
    /// <param name="replace">Registrations that replace the simulator's own, such as a store that fails on demand.</param>
    public static Task<SimulatorHost> Start(IEnumerable<KeyValuePair<string, string?>> settings, Action<IServiceCollection>? replace = null) =>
        Start(TestLane.FromSettings(settings), replace: replace);

    /// <param name="lane">Where its store lives: the lane's key prefix, or in memory.</param>
    /// <param name="settings">The simulator's own knobs, over the lane's.</param>
    /// <param name="replace">Registrations that replace the simulator's own, such as a store that fails on demand.</param>
    public static async Task<SimulatorHost> Start(TestLane lane, IEnumerable<KeyValuePair<string, string?>>? settings = null, Action<IServiceCollection>? replace = null)
    {
        var builder = TestHostBuilder.For(Recipe, lane).WithApiKey(ApiKey).WithSettings(settings);
        if (replace is not null)
            builder.ReplaceServices(replace);
        return new SimulatorHost(await builder.Start());
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri(Host.Address, Api), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(client);
        return client;
    }

    /// <summary>An <see cref="ICrmClient"/> as a service registers it with AddCrmClient, pointed at this simulator.</summary>
    public ICrmClient CrmClient(string token = IntegrationToken, TimeSpan? timeout = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:Crm:Url"] = Host.Address.ToString(),
            ["Services:Crm:AccessToken"] = token,
            ["Services:Crm:Timeout"] = (timeout ?? TimeSpan.FromSeconds(30)).ToString(),
        });
        builder.AddCrmClient();
        return builder.Build().Services.GetRequiredService<ICrmClient>();
    }

    public async Task<string> Create(string type, object fields, HttpClient? client = null)
    {
        using var response = await (client ?? Sales).PostAsJsonAsync($"sobjects/{type}", fields, FieldNames);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a {type} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public Task<string> CreateLead(string lastName, string email, object? more = null, HttpClient? client = null) =>
        Create("Lead", Merge(new Dictionary<string, object?> { ["LastName"] = lastName, ["Company"] = "Acme", ["Email"] = email }, more), client);

    public Task<string> CreateContact(string lastName, string email, object? more = null, HttpClient? client = null) =>
        Create("Contact", Merge(new Dictionary<string, object?> { ["LastName"] = lastName, ["Email"] = email }, more), client);

    public async Task<JsonElement> Read(string type, string id, HttpClient? client = null)
    {
        using var response = await (client ?? Sales).GetAsync($"sobjects/{type}/{id}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Reading {type} {id} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task<HttpResponseMessage> Patch(string type, string id, object fields, HttpClient? client = null) =>
        await (client ?? Sales).PatchAsJsonAsync($"sobjects/{type}/{id}", fields, FieldNames);

    public async Task Update(string type, string id, object fields, HttpClient? client = null)
    {
        using var response = await Patch(type, id, fields, client);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"Updating {type} {id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> Query(string soql, HttpClient? client = null)
    {
        using var response = await (client ?? Sales).GetAsync($"query?q={Uri.EscapeDataString(soql)}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The query answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task<CrmChangePage> Changes(long after, int limit = 1000)
    {
        using var response = await Sales.GetAsync($"changes?after={after}&limit={limit}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The change feed answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<CrmChangePage>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>Feed entries after <paramref name="after"/> about one record.</summary>
    public async Task<IReadOnlyList<CrmChange>> ChangesOf(string recordId, long after = 0) =>
        [.. (await Changes(after)).Changes.Where(change => change.RecordId == recordId)];

    public async Task<long> Head() => (await AdminSend(HttpMethod.Get, "admin/state")).GetProperty("feed").GetProperty("head").GetInt64();

    public async Task<JsonElement> AdminSend(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>
    /// Converts a Lead as <paramref name="asUser"/> would in the CRM's own screens, through the simulator's admin API: no org
    /// offers Lead conversion as a REST resource, so nothing the sync calls may lean on it.
    /// </summary>
    public async Task<HttpResponseMessage> ConvertLead(string leadId, object? conversion = null, string asUser = SalesUserId)
    {
        var body = conversion is null ? new JsonObject() : JsonSerializer.SerializeToNode(conversion, JsonSerializerOptions.Web)!.AsObject();
        body["asUser"] = asUser;
        return await Admin.PostAsJsonAsync($"admin/leads/{leadId}/convert", body);
    }

    /// <summary>Restores a deleted record as <paramref name="asUser"/> would from the Recycle Bin, through the admin API.</summary>
    public Task<HttpResponseMessage> Undelete(string type, string id, string asUser = SalesUserId) =>
        Admin.PostAsJsonAsync($"admin/records/{type}/{id}/undelete", new { asUser });

    public Task SetFaults(object faults) => AdminSend(HttpMethod.Put, "admin/faults", faults);

    public Task ClearFaults() => AdminSend(HttpMethod.Delete, "admin/faults");

    public Task SetLimits(object limits) => AdminSend(HttpMethod.Put, "admin/limits", limits);

    public static string NewEmail(string who = "person") => $"{who}.{Guid.NewGuid():N}@example.com";

    public static string? Text(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await Host.DisposeAsync();
    }

    private static Dictionary<string, object?> Merge(Dictionary<string, object?> fields, object? more)
    {
        if (more is null)
            return fields;
        foreach (var property in JsonSerializer.SerializeToElement(more, FieldNames).EnumerateObject())
            fields[property.Name] = property.Value;
        return fields;
    }
}
