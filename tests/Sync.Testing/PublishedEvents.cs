using System.Text.Json;

namespace Sync.Testing;

/// <summary>
/// What reached a queue (such as one bound at publish, which holds everything published): taken off the queue and kept
/// here, one copy per event id (a relay may publish an event twice; consumers apply it once).
/// </summary>
public sealed class PublishedEvents(IsolatedVirtualHost broker, string queue)
{
    private readonly Lock _lock = new();
    private readonly List<QueuedMessage> _messages = [];
    private readonly HashSet<string> _payloads = [];

    public async Task<IReadOnlyList<QueuedMessage>> Collect()
    {
        var taken = await broker.TakeMessages(queue);
        lock (_lock)
        {
            foreach (var message in taken)
            {
                if (_payloads.Add(EventKey(message)))
                    _messages.Add(message);
            }
            return _messages.ToList();
        }
    }

    /// <summary>Every event of type <typeparamref name="T"/> published so far.</summary>
    public async Task<IReadOnlyList<T>> All<T>() =>
        (await Collect()).Where(message => message.MessageType == typeof(T).Name).Select(message => message.Message<T>()).ToList();

    public async Task<IReadOnlyList<T>> WaitFor<T>(Func<T, bool> match, string waitingFor, int count = 1, TimeSpan? timeout = null)
        where T : class
    {
        return await Eventually.Until<IReadOnlyList<T>>(async () =>
        {
            var found = (await All<T>()).Where(match).ToList();
            return found.Count >= count ? found : null;
        }, waitingFor, timeout);
    }

    /// <summary>How many events were collected: a mark to compare with after a barrier.</summary>
    public async Task<int> Mark() => (await Collect()).Count;

    /// <summary>The events collected after <paramref name="mark"/>.</summary>
    public async Task<IReadOnlyList<QueuedMessage>> Since(int mark) => (await Collect()).Skip(mark).ToList();

    private static string EventKey(QueuedMessage message)
    {
        using var document = JsonDocument.Parse(message.Payload);
        return document.RootElement.GetProperty("message").TryGetProperty("eventId", out var eventId) ? eventId.GetString()! : message.Payload;
    }
}
