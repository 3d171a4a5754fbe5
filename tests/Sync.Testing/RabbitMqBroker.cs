using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Testcontainers.RabbitMq;

namespace Sync.Testing;

/// <summary>
/// The RabbitMQ broker the tests run against: the one deploy/scripts/test.sh started, or a container when asked for.
/// Every fixture works in a virtual host of its own, so test assemblies and classes can run side by side.
/// </summary>
public sealed class RabbitMqBroker
{
    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private static RabbitMqBroker? _shared;

    private readonly HttpClient _management;

    private RabbitMqBroker(string host, int port, int managementPort, string user, string password)
    {
        Host = host;
        Port = port;
        User = user;
        Password = password;
        _management = new HttpClient { BaseAddress = new Uri($"http://{host}:{managementPort}/api/") };
        _management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    public string Host { get; }

    public int Port { get; }

    public string User { get; }

    public string Password { get; }

    public static async Task<RabbitMqBroker> Shared()
    {
        await StartLock.WaitAsync();
        try
        {
            return _shared ??= TestEnvironment.UseTestcontainers ? await StartContainer() : await Reach();
        }
        finally
        {
            StartLock.Release();
        }
    }

    /// <summary>A virtual host of its own, with full permissions for the test user; deleted when disposed.</summary>
    public async Task<IsolatedVirtualHost> CreateVirtualHost(string purpose)
    {
        var name = $"test-{purpose}-{Guid.NewGuid():N}";
        (await _management.PutAsJsonAsync($"vhosts/{Uri.EscapeDataString(name)}", new { })).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(User)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new IsolatedVirtualHost(this, name);
    }

    internal async Task DeleteVirtualHost(string name) =>
        await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(name)}");

    internal async Task<IReadOnlyList<QueueState>> Queues(string virtualHost)
    {
        var queues = await _management.GetFromJsonAsync<List<QueueState>>($"queues/{Uri.EscapeDataString(virtualHost)}?columns=name,messages,messages_ready,messages_unacknowledged,consumers");
        return queues ?? [];
    }

    internal async Task<IReadOnlyList<BindingState>> Bindings(string virtualHost) =>
        await _management.GetFromJsonAsync<List<BindingState>>($"bindings/{Uri.EscapeDataString(virtualHost)}") ?? [];

    /// <summary>Publishes plain JSON the way a non-.NET upstream does (rabbitmqadmin, a Python or Node client); true when routed to a queue.</summary>
    internal async Task<bool> PublishJson(string virtualHost, string exchange, string routingKey, string json, IReadOnlyDictionary<string, object>? headers)
    {
        var response = await _management.PostAsJsonAsync(
            $"exchanges/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(exchange)}/publish",
            new
            {
                properties = new Dictionary<string, object>
                {
                    ["content_type"] = "application/json",
                    ["delivery_mode"] = 2,
                    ["message_id"] = Guid.NewGuid().ToString(),
                    ["headers"] = headers ?? new Dictionary<string, object>(),
                },
                routing_key = routingKey,
                payload = json,
                payload_encoding = "string",
            });
        response.EnsureSuccessStatusCode();
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        return result.GetProperty("routed").GetBoolean();
    }

    /// <summary>The bodies of up to <paramref name="count"/> messages waiting in a queue, each put back where it was (a peek).</summary>
    internal async Task<IReadOnlyList<JsonElement>> PeekMessages(string virtualHost, string queue, int count)
    {
        var response = await _management.PostAsJsonAsync(
            $"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        if (response.StatusCode == HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<List<JsonElement>>() ?? [];
        return [.. messages.Select(message => JsonDocument.Parse(message.GetProperty("payload").GetString()!).RootElement)];
    }

    private static async Task<RabbitMqBroker> Reach()
    {
        var broker = new RabbitMqBroker(TestEnvironment.RabbitMqHost, TestEnvironment.RabbitMqPort, TestEnvironment.RabbitMqManagementPort,
            TestEnvironment.RabbitMqUser, TestEnvironment.RabbitMqPassword);
        try
        {
            using var amqp = new TcpClient();
            await amqp.ConnectAsync(broker.Host, broker.Port);
            (await broker._management.GetAsync("overview")).EnsureSuccessStatusCode();
        }
        catch (Exception exception) when (exception is SocketException or HttpRequestException)
        {
            throw new InvalidOperationException(
                $"RabbitMQ is not reachable at {broker.Host}:{broker.Port} (management on {TestEnvironment.RabbitMqManagementPort}). " +
                TestEnvironment.HowToStartServers, exception);
        }
        return broker;
    }

    private static async Task<RabbitMqBroker> StartContainer()
    {
        var container = new RabbitMqBuilder("rabbitmq:3.10-management")
            .WithUsername("guest")
            .WithPassword("guest")
            .WithPortBinding(15672, true)
            .Build();
        await container.StartAsync();
        return new RabbitMqBroker(container.Hostname, container.GetMappedPublicPort(5672), container.GetMappedPublicPort(15672), "guest", "guest");
    }
}

public sealed record QueueState(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("messages")] long Messages,
    [property: JsonPropertyName("messages_ready")] long Ready,
    [property: JsonPropertyName("messages_unacknowledged")] long Unacknowledged,
    [property: JsonPropertyName("consumers")] int Consumers);

public sealed record BindingState(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("destination")] string Destination,
    [property: JsonPropertyName("destination_type")] string DestinationType,
    [property: JsonPropertyName("routing_key")] string RoutingKey);

/// <summary>A virtual host owned by one fixture: the settings services need to use it, and what tests ask of its queues.</summary>
public sealed class IsolatedVirtualHost(RabbitMqBroker broker, string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    public RabbitMqBroker Broker { get; } = broker;

    /// <summary>The RabbitMq:* settings that point a service at this virtual host.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RabbitMq:Host"] = Broker.Host,
        ["RabbitMq:Port"] = Broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:VirtualHost"] = Name,
        ["RabbitMq:Username"] = Broker.User,
        ["RabbitMq:Password"] = Broker.Password,
    };

    public Task<IReadOnlyList<QueueState>> Queues() => Broker.Queues(Name);

    public async Task<QueueState?> Queue(string queue) => (await Queues()).FirstOrDefault(state => state.Name == queue);

    public Task<IReadOnlyList<BindingState>> Bindings() => Broker.Bindings(Name);

    /// <summary>
    /// The bodies of the messages waiting in a queue (up to <paramref name="count"/>), left in place: what a consumer would
    /// receive, read exactly (the management API's message counts lag by seconds).
    /// </summary>
    public Task<IReadOnlyList<JsonElement>> PeekMessages(string queue, int count = 1000) => Broker.PeekMessages(Name, queue, count);

    public Task<bool> PublishJson(string exchange, string routingKey, string json, IReadOnlyDictionary<string, object>? headers = null) =>
        Broker.PublishJson(Name, exchange, routingKey, json, headers);

    /// <summary>
    /// A barrier: every queue (error queues aside) is empty with nothing unacknowledged, <paramref name="stableReads"/> reads in a row.
    /// </summary>
    public Task WaitUntilDrained(TimeSpan? timeout = null, int stableReads = 3)
    {
        var streak = 0;
        return Eventually.True(async () =>
        {
            var queues = await Queues();
            var drained = queues.Where(queue => !queue.Name.EndsWith("_error", StringComparison.Ordinal) && !queue.Name.EndsWith("_skipped", StringComparison.Ordinal))
                .All(queue => queue.Messages == 0 && queue.Unacknowledged == 0);
            streak = drained ? streak + 1 : 0;
            return streak >= stableReads;
        }, $"every queue of virtual host {Name} to be drained with nothing unacknowledged", timeout);
    }

    public async ValueTask DisposeAsync() => await Broker.DeleteVirtualHost(Name);
}
