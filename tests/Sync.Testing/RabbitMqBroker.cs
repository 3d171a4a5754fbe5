using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
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
        TestEnvironment.RefuseServerInFastLane("RabbitMQ");
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

    /// <summary>
    /// Imports a definitions file (RabbitMQ's export format, as <c>rabbitmqadmin import</c> takes it) into one virtual host:
    /// the vhost each object names is replaced by <paramref name="virtualHost"/>.
    /// </summary>
    internal async Task ImportDefinitions(string virtualHost, string definitions)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(definitions)!.AsObject();
        foreach (var kind in new[] { "exchanges", "queues", "bindings" })
        {
            foreach (var item in document[kind]?.AsArray().OfType<System.Text.Json.Nodes.JsonObject>() ?? [])
                item["vhost"] = virtualHost;
        }
        using var response = await _management.PostAsync("definitions", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Importing definitions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    internal async Task DeleteVirtualHost(string name) =>
        await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(name)}");

    /// <summary>
    /// Binds a queue nobody consumes to <paramref name="exchange"/> (declared fanout and durable, as MassTransit declares a
    /// message type's exchange), so that its exact length counts every message published there from now on.
    /// </summary>
    internal async Task<string> Tap(string virtualHost, string exchange)
    {
        await using var connection = await Connect(virtualHost, "tests: tap");
        await using var channel = await connection.CreateChannelAsync();
        var queue = IsolatedVirtualHost.TapPrefix + exchange;
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, routingKey: "");
        return queue;
    }

    internal async Task<IReadOnlyList<QueueState>> Queues(string virtualHost)
    {
        var queues = await _management.GetFromJsonAsync<List<QueueState>>($"queues/{Uri.EscapeDataString(virtualHost)}?columns=name,messages,messages_ready,messages_unacknowledged,consumers");
        return queues ?? [];
    }

    internal async Task DeleteQueue(string virtualHost, string queue) =>
        (await _management.DeleteAsync($"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}")).EnsureSuccessStatusCode();

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

    /// <summary>Takes up to <paramref name="count"/> messages off a queue (acknowledged: they are gone), oldest first.</summary>
    internal Task<IReadOnlyList<QueuedMessage>> TakeMessages(string virtualHost, string queue, int count) =>
        GetMessages(virtualHost, queue, count, requeue: false);

    /// <summary>
    /// Up to <paramref name="max"/> messages of a queue, with their headers, left in the queue (read and requeued): an exact count,
    /// unlike the queue statistics, which lag by the broker's statistics interval.
    /// </summary>
    internal Task<IReadOnlyList<QueuedMessage>> Peek(string virtualHost, string queue, int max) =>
        GetMessages(virtualHost, queue, max, requeue: true);

    private async Task<IReadOnlyList<QueuedMessage>> GetMessages(string virtualHost, string queue, int count, bool requeue)
    {
        using var response = await _management.PostAsJsonAsync(
            $"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = requeue ? "ack_requeue_true" : "ack_requeue_false", encoding = "auto", truncate = 1_000_000 });
        if (response.StatusCode == HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<List<JsonElement>>() ?? [];
        return messages.Select(message =>
        {
            var headers = message.GetProperty("properties").TryGetProperty("headers", out var found) && found.ValueKind == JsonValueKind.Object
                ? found.EnumerateObject().ToDictionary(header => header.Name, header => header.Value.Clone())
                : [];
            return new QueuedMessage(message.GetProperty("payload").GetString() ?? "", headers);
        }).ToList();
    }

    /// <summary>The exact ready counts of several queues, over one AMQP connection; a queue that does not exist is left out.</summary>
    internal async Task<IReadOnlyList<QueueCount>> CountsNow(string virtualHost, IEnumerable<string> queues)
    {
        await using var connection = await Connect(virtualHost, "tests: queue counts");
        var counts = new List<QueueCount>();
        foreach (var queue in queues)
        {
            // A passive declare of a missing queue closes the channel, so each queue gets its own.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                var queueState = await channel.QueueDeclarePassiveAsync(queue);
                counts.Add(new QueueCount(queueState.MessageCount, queueState.ConsumerCount));
            }
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
            {
            }
        }
        return counts;
    }

    internal async Task<QueueCount?> CountNow(string virtualHost, string queue) =>
        await CountsNow(virtualHost, [queue]) is [var count] ? count : null;

    private async Task<IConnection> Connect(string virtualHost, string purpose) =>
        await new ConnectionFactory
        {
            HostName = Host, Port = Port, VirtualHost = virtualHost, UserName = User, Password = Password, ClientProvidedName = purpose,
        }.CreateConnectionAsync();

    /// <summary>Re-creates a virtual host that <see cref="DeleteVirtualHost"/> removed, with the same permissions.</summary>
    internal async Task RestoreVirtualHost(string name)
    {
        (await _management.PutAsJsonAsync($"vhosts/{Uri.EscapeDataString(name)}", new { })).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(User)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
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
            // The same statistics interval as the broker test-servers.sh starts, which the drained barrier relies on.
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-rabbit collect_statistics_interval 250")
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

/// <param name="Ready">Messages waiting for a consumer; those delivered and not yet acknowledged are not counted.</param>
public sealed record QueueCount(uint Ready, uint Consumers);

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

    /// <summary>The start of a tap queue's name (see <see cref="Tap"/>); <see cref="WaitUntilDrained"/> leaves taps out.</summary>
    public const string TapPrefix = "tests-tap-";

    /// <summary>
    /// A queue that from now on keeps a copy of every message published to <paramref name="exchange"/>; count it with
    /// <see cref="CountNow"/>. (The management API's publish counts are no substitute: under load they lag by seconds.)
    /// </summary>
    public Task<string> Tap(string exchange) => Broker.Tap(Name, exchange);

    public async Task<QueueState?> Queue(string queue) => (await Queues()).FirstOrDefault(state => state.Name == queue);

    public Task<IReadOnlyList<BindingState>> Bindings() => Broker.Bindings(Name);

    /// <summary>Deletes a queue with its messages and bindings, as an operator can in the management UI; its exchanges stay.</summary>
    public Task DeleteQueue(string queue) => Broker.DeleteQueue(Name, queue);

    /// <summary>
    /// The queue's ready messages and consumers as the broker counts them this moment (an AMQP passive declare), where
    /// <see cref="Queue"/> reads statistics that lag by the broker's statistics interval; null when the queue does not exist.
    /// </summary>
    public Task<QueueCount?> CountNow(string queue) => Broker.CountNow(Name, queue);

    /// <summary>Up to <paramref name="max"/> messages of the queue, left where they are; an exact reading (see <see cref="RabbitMqBroker"/>).</summary>
    public Task<IReadOnlyList<QueuedMessage>> Peek(string queue, int max = 1000) => Broker.Peek(Name, queue, max);

    public Task<bool> PublishJson(string exchange, string routingKey, string json, IReadOnlyDictionary<string, object>? headers = null) =>
        Broker.PublishJson(Name, exchange, routingKey, json, headers);

    /// <summary>Imports a definitions file (see deploy/rabbitmq/definitions.json) into this virtual host.</summary>
    public Task ImportDefinitions(string definitions) => Broker.ImportDefinitions(Name, definitions);

    /// <summary>
    /// A barrier: every queue (error queues and taps aside) is empty with nothing unacknowledged, and stays so for two of the broker's
    /// statistics intervals (the management API's counts lag by one), with the ready counts read exactly over AMQP as well.
    /// </summary>
    public Task WaitUntilDrained(TimeSpan? timeout = null)
    {
        DateTimeOffset? drainedSince = null;
        return Eventually.True(async () =>
        {
            var queues = (await Queues())
                .Where(queue => !queue.Name.EndsWith("_error", StringComparison.Ordinal) && !queue.Name.EndsWith("_skipped", StringComparison.Ordinal)
                    && !queue.Name.StartsWith(TapPrefix, StringComparison.Ordinal))
                .ToList();
            var drained = queues.All(queue => queue.Messages == 0 && queue.Unacknowledged == 0)
                && (await Broker.CountsNow(Name, queues.Select(queue => queue.Name))).All(count => count.Ready == 0);
            if (!drained)
            {
                drainedSince = null;
                return false;
            }
            drainedSince ??= DateTimeOffset.UtcNow;
            return DateTimeOffset.UtcNow - drainedSince >= 2 * TestEnvironment.RabbitMqStatisticsInterval;
        }, $"every queue of virtual host {Name} to be drained with nothing unacknowledged", timeout);
    }

    /// <summary>Takes up to <paramref name="count"/> messages off <paramref name="queue"/>; they are removed from it.</summary>
    public Task<IReadOnlyList<QueuedMessage>> TakeMessages(string queue, int count = 1000) => Broker.TakeMessages(Name, queue, count);

    /// <summary>
    /// A broker outage for this virtual host only: it is deleted (closing every connection to it, dropping its queues) until
    /// <see cref="EndOutage"/> re-creates it.
    /// </summary>
    public Task BeginOutage() => Broker.DeleteVirtualHost(Name);

    public Task EndOutage() => Broker.RestoreVirtualHost(Name);

    public async ValueTask DisposeAsync() => await Broker.DeleteVirtualHost(Name);
}

/// <summary>
/// A message read from a queue: MassTransit's JSON envelope, with the contract under "message" (or, from an upstream without
/// MassTransit, the bare JSON), and its AMQP headers (MassTransit puts a fault's reason in MT-Fault-Message).
/// </summary>
public sealed record QueuedMessage(string Payload, IReadOnlyDictionary<string, JsonElement>? Headers = null)
{
    public string? Header(string name) =>
        Headers?.TryGetValue(name, out var value) == true ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;

    private JsonElement Envelope => JsonDocument.Parse(Payload).RootElement;

    /// <summary>The contract's type name, such as "ProspectChanged" (from the envelope's messageType URN).</summary>
    public string? MessageType =>
        Envelope.TryGetProperty("messageType", out var types) && types.GetArrayLength() > 0
            ? types[0].GetString()?.Split(':').Last()
            : null;

    public T Message<T>() => Envelope.GetProperty("message").Deserialize<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
}
