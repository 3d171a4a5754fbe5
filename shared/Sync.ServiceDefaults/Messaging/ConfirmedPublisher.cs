using MassTransit;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// Publishes for the HTTP edges and relays: it returns only once RabbitMQ has confirmed the message is stored, and
/// turns a broker that is away (or slower than the publish timeout) into <see cref="BrokerUnavailableException"/>,
/// which the edges answer with 503 and Retry-After.
/// </summary>
public sealed class ConfirmedPublisher(IBus bus, IOptions<RabbitMqOptions> options)
{
    public async Task Publish<TMessage>(TMessage message, CancellationToken cancellationToken)
        where TMessage : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            await bus.Publish(message, timeout.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsBrokerFailure(exception))
        {
            throw new BrokerUnavailableException(typeof(TMessage).Name, exception);
        }
    }

    public async Task PublishBatch<TMessage>(IReadOnlyCollection<TMessage> messages, CancellationToken cancellationToken)
        where TMessage : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout + TimeSpan.FromMilliseconds(10 * messages.Count));
        try
        {
            await bus.PublishBatch(messages, timeout.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsBrokerFailure(exception))
        {
            throw new BrokerUnavailableException(typeof(TMessage).Name, exception);
        }
    }

    private static bool IsBrokerFailure(Exception exception) =>
        exception is OperationCanceledException or MassTransitException or RabbitMQ.Client.Exceptions.RabbitMQClientException
            or TimeoutException or AggregateException;
}

/// <summary>The broker did not confirm a publish: nothing was accepted, and the caller may retry.</summary>
public sealed class BrokerUnavailableException(string messageType, Exception inner)
    : Exception($"The message broker did not confirm {messageType}; nothing was accepted.", inner);
