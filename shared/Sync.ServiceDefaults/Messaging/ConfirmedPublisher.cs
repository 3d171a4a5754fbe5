using MassTransit;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// Publishes for the HTTP edges and relays: it returns only once RabbitMQ has confirmed the message is stored, and
/// turns a broker that is away (or slower than the publish timeout) into <see cref="BrokerUnavailableException"/>,
/// which the edges answer with 503 and Retry-After.
/// </summary>
public sealed class ConfirmedPublisher(IBus bus, IOptions<RabbitMqOptions> options, TimeProvider time)
{
    public Task Publish<TMessage>(TMessage message, CancellationToken cancellationToken)
        where TMessage : class =>
        Confirm<TMessage>(options.Value.PublishTimeout, token => bus.Publish(message, token), cancellationToken);

    public Task PublishBatch<TMessage>(IReadOnlyCollection<TMessage> messages, CancellationToken cancellationToken)
        where TMessage : class =>
        Confirm<TMessage>(options.Value.PublishTimeout + TimeSpan.FromMilliseconds(10 * messages.Count),
            token => bus.PublishBatch(messages, token), cancellationToken);

    private async Task Confirm<TMessage>(TimeSpan timeout, Func<CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        using var timedOut = new CancellationTokenSource(timeout, time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token);
        try
        {
            await publish(deadline.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsBrokerFailure(exception))
        {
            throw new BrokerUnavailableException(typeof(TMessage).Name, exception);
        }
    }

    // The broker away, unreachable or slower than the publish timeout; a message that cannot be serialized is not one of these.
    private static bool IsBrokerFailure(Exception exception) => exception switch
    {
        OperationCanceledException or TimeoutException => true,
        RabbitMQ.Client.Exceptions.RabbitMQClientException or ConnectionException or TransportException or TransportUnavailableException => true,
        PublishException or SendException or AggregateException => exception.InnerException is { } inner && IsBrokerFailure(inner),
        _ => false,
    };
}
