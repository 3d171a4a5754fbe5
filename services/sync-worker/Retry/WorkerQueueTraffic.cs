using MassTransit;
using MassTransit.InMemoryTransport;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;

namespace Sync.SyncWorker.Retry;

/// <summary>
/// Watches the embedded bus for what enters and leaves the sync-worker queue, and tells <see cref="InMemoryWorkerQueueDepth"/>:
/// a SyncRequested published (the evaluator's, a test's) or sent to the queue (a request put back), one sent with a delay (a
/// retry step) once the transport's clock says its delay is over, and every delivery from the queue to the worker's endpoint.
/// Connected to the bus, so it sees the endpoint that <c>SyncConsumption</c> connects and disconnects at run time as well.
/// </summary>
public sealed class WorkerQueueTraffic(InMemoryWorkerQueueDepth depth, IServiceProvider services)
    : IPublishObserver, ISendObserver, IReceiveObserver, IReceiveEndpointObserver, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    // The transport's clock is the bus itself, which connects this observer as it is built: it is asked for once a send needs it.
    private readonly Lazy<IInMemoryDelayProvider> _transportClock = new(services.GetRequiredService<IInMemoryDelayProvider>);

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        if (context.Message is SyncRequested)
            depth.Published();
        return Task.CompletedTask;
    }

    public Task PostSend<T>(SendContext<T> context) where T : class
    {
        if (context.Message is not SyncRequested || !IsWorkerQueue(context.DestinationAddress))
            return Task.CompletedTask;
        if (context.Delay is not { } delay || delay <= TimeSpan.Zero)
            depth.Sent();
        else
            // The transport waits on this clock before it queues the message: it is ready from then on.
            _ = _transportClock.Value.Delay(delay, _stopping.Token).ContinueWith(_ => depth.Sent(), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task PreReceive(ReceiveContext context)
    {
        if (IsWorkerQueue(context.InputAddress))
            depth.Delivered();
        return Task.CompletedTask;
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (IsWorkerQueue(ready.InputAddress))
            depth.Bound();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // The container disposes it once for each observer registration that hands it out.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private static bool IsWorkerQueue(Uri? address) =>
        address is not null && address.AbsolutePath.TrimStart('/') == SyncQueues.Worker;

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PreSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        Task.CompletedTask;

    public Task ReceiveFault(ReceiveContext context, Exception exception) => Task.CompletedTask;

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
