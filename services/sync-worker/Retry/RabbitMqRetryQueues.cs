using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Options;

namespace Sync.SyncWorker.Retry;

/// <summary>
/// Retries on a plain RabbitMQ (no delayed-message plugin): one durable queue per delay step ("sync-worker-retry-5s", ...)
/// whose message TTL dead-letters each message back into the sync-worker queue through the default exchange. A message
/// waiting for its retry is a durable message in a queue an operator can see and count; nothing is held in memory.
/// Every send is mandatory: should an operator delete a step's queue, the broker returns the message instead of
/// confirming it into an exchange that routes nowhere, and the step is declared again before the message is sent again.
/// Its connection also counts the requests ready in the sync-worker queue, for the batcher.
/// </summary>
public sealed partial class RabbitMqRetryQueues(
    IBus bus,
    IOptions<RabbitMqOptions> rabbitMq,
    IOptions<SyncWorkerOptions> options,
    TimeProvider time,
    ILogger<RabbitMqRetryQueues> logger) : ISyncRetryScheduler, IWorkerQueueDepth, IAsyncDisposable
{
    private readonly SemaphoreSlim _connectionLock = new(1, 1);
    private readonly SemaphoreSlim _countLock = new(1, 1);
    private IConnection? _connection;
    private IChannel? _countChannel;
    private bool _declared;

    private IReadOnlyList<TimeSpan> Steps => options.Value.EffectiveRetryDelays;

    public async Task ScheduleRetry(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken)
    {
        await EnsureTopology(cancellationToken);
        await Task.WhenAll(requests.Select(pending =>
            SendToStep(Steps[Math.Min(pending.Attempt, Steps.Count - 1)], pending with { Attempt = pending.Attempt + 1 }, cancellationToken)));
    }

    public async Task Postpone(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken)
    {
        await EnsureTopology(cancellationToken);
        await Task.WhenAll(requests.Select(pending => SendToStep(Steps[0], pending, cancellationToken)));
    }

    public async Task Return(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken) =>
        await Task.WhenAll(requests.Select(pending => SendTo(new Uri($"queue:{SyncQueues.Worker}"), pending, cancellationToken)));

    public async Task EnsureTopology(CancellationToken cancellationToken)
    {
        if (_declared)
            return;
        await using var channel = await CreateChannel(cancellationToken);
        foreach (var delay in Steps)
            await DeclareStep(channel, delay, cancellationToken);
        _declared = true;
        logger.LogInformation("Retry queues declared: {RetryQueues}", string.Join(", ", Steps.Select(SyncWorkerOptions.RetryQueueName)));
    }

    /// <summary>Each step's queue and the broker's count of its messages; the count is null while the broker cannot be asked.</summary>
    public async Task<IReadOnlyList<RetryStepState>> Describe(CancellationToken cancellationToken)
    {
        var states = Steps.Select(delay => new RetryStepState(SyncWorkerOptions.RetryQueueName(delay), delay, null)).ToList();
        if (!_declared)
            return states;
        try
        {
            await using var channel = await CreateChannel(cancellationToken);
            for (var i = 0; i < states.Count; i++)
                states[i] = states[i] with { Messages = await channel.MessageCountAsync(states[i].Queue, cancellationToken) };
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException or TimeoutException)
        {
            logger.LogWarning("Could not count the retry queues: {Reason}", exception.Message);
        }
        return states;
    }

    public async Task<long> Ready(CancellationToken cancellationToken)
    {
        await _countLock.WaitAsync(cancellationToken);
        // A batch (or the start of consuming) does not wait long on a broker that does not answer.
        using var timedOut = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timedOut.Token);
        try
        {
            if (_countChannel is not { IsOpen: true })
                _countChannel = await CreateChannel(bounded.Token);
            return await _countChannel.MessageCountAsync(SyncQueues.Worker, bounded.Token);
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException or TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The queue not declared yet, or the broker away: nothing is known to be waiting.
            return 0;
        }
        finally
        {
            _countLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_countChannel is not null)
            await _countChannel.DisposeAsync();
        _countLock.Dispose();
        if (_connection is not null)
            await _connection.DisposeAsync();
        _connectionLock.Dispose();
    }

    private static async Task DeclareStep(IChannel channel, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = SyncWorkerOptions.RetryQueueName(delay);
        // MassTransit sends to "exchange:<queue>" (a durable fanout exchange), so the queue is bound to an exchange of its name.
        await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            [RabbitMQ.Client.Headers.XMessageTTL] = (long)delay.TotalMilliseconds,
            [RabbitMQ.Client.Headers.XDeadLetterExchange] = "",
            [RabbitMQ.Client.Headers.XDeadLetterRoutingKey] = SyncQueues.Worker,
        }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue, queue, routingKey: "", cancellationToken: cancellationToken);
    }

    private async Task SendToStep(TimeSpan delay, PendingSync pending, CancellationToken cancellationToken)
    {
        var queue = SyncWorkerOptions.RetryQueueName(delay);
        var address = new Uri($"exchange:{queue}");
        try
        {
            await SendTo(address, pending, cancellationToken);
        }
        catch (MessageReturnedException)
        {
            // The step's exchange routes to no queue (deleted by an operator, or its binding removed): declare the step again.
            // Returned a second time, the send fails, and so the original is not acknowledged and is delivered again.
            LogRetryQueueRedeclared(queue);
            await using (var channel = await CreateChannel(cancellationToken))
                await DeclareStep(channel, delay, cancellationToken);
            await SendTo(address, pending, cancellationToken);
        }
    }

    /// <summary>Sends mandatory: a message no queue receives fails the send (MessageReturnedException), so its original is not acknowledged.</summary>
    private async Task SendTo(Uri address, PendingSync pending, CancellationToken cancellationToken)
    {
        var endpoint = await bus.GetSendEndpoint(address);
        await endpoint.Send(pending.Request, context =>
        {
            context.Headers.Set(RetryHeaders.Attempt, pending.Attempt);
            if (!context.TryGetPayload(out RabbitMqSendContext? rabbitMq))
                throw new InvalidOperationException("The retry queues need the RabbitMQ transport.");
            rabbitMq.Mandatory = true;
        }, cancellationToken);
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Retry queue {RetryQueue} was missing (a sync request sent to it was returned by the broker); declared again")]
    private partial void LogRetryQueueRedeclared(string retryQueue);

    private async Task<IChannel> CreateChannel(CancellationToken cancellationToken)
    {
        await _connectionLock.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                var settings = rabbitMq.Value;
                var factory = new ConnectionFactory
                {
                    HostName = settings.Host,
                    Port = settings.Port,
                    VirtualHost = settings.VirtualHost,
                    UserName = settings.Username,
                    Password = settings.Password,
                    ClientProvidedName = "sync-worker retry topology",
                };
                if (_connection is not null)
                    await _connection.DisposeAsync();
                _connection = await factory.CreateConnectionAsync(cancellationToken);
            }
            return await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        }
        finally
        {
            _connectionLock.Release();
        }
    }
}
