using MassTransit;
using MassTransit.InMemoryTransport;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Options;

namespace Sync.SyncWorker.Retry;

/// <summary>
/// The embedded (in-memory bus) retry steps: each request is scheduled back to the sync-worker queue through MassTransit's
/// delayed message scheduler, which the in-memory transport delivers when the step's delay is over. Like everything
/// embedded, a waiting request lives as long as the process. Each step counts what it was given and whose delay is not
/// over yet, as a RabbitMQ step queue counts what its TTL has not yet dead-lettered back into the sync-worker queue.
/// </summary>
public sealed class DelayedDeliveryRetries(
    IServiceScopeFactory scopes,
    IBus bus,
    IInMemoryDelayProvider transportClock,
    IOptions<SyncWorkerOptions> options) : ISyncRetryScheduler, IDisposable
{
    private static readonly Uri WorkerQueue = new($"queue:{SyncQueues.Worker}");

    private readonly long[] _waiting = new long[options.Value.EffectiveRetryDelays.Count];
    private readonly CancellationTokenSource _stopping = new();

    private IReadOnlyList<TimeSpan> Steps => options.Value.EffectiveRetryDelays;

    public Task ScheduleRetry(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken) =>
        Schedule(requests.Select(pending => (Math.Min(pending.Attempt, Steps.Count - 1), pending with { Attempt = pending.Attempt + 1 })), cancellationToken);

    public Task Postpone(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken) =>
        Schedule(requests.Select(pending => (0, pending)), cancellationToken);

    public async Task Return(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken)
    {
        var endpoint = await bus.GetSendEndpoint(WorkerQueue);
        await Task.WhenAll(requests.Select(pending =>
            endpoint.Send(pending.Request, context => context.Headers.Set(RetryHeaders.Attempt, pending.Attempt), cancellationToken)));
    }

    /// <summary>The steps are delays of the in-memory transport: there is nothing to declare.</summary>
    public Task EnsureTopology(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<RetryStepState>> Describe(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RetryStepState>>(Steps
            .Select((delay, step) => new RetryStepState(SyncWorkerOptions.RetryQueueName(delay), delay, Interlocked.Read(ref _waiting[step])))
            .ToList());

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task Schedule(IEnumerable<(int Step, PendingSync Pending)> requests, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var scheduler = scope.ServiceProvider.GetRequiredService<IMessageScheduler>();
        await Task.WhenAll(requests.Select(async request =>
        {
            var delay = Steps[request.Step];
            await scheduler.ScheduleSend(WorkerQueue, delay, request.Pending.Request,
                context => context.Headers.Set(RetryHeaders.Attempt, request.Pending.Attempt), cancellationToken);
            Interlocked.Increment(ref _waiting[request.Step]);
            // The transport's own clock, which its delayed delivery waits on: the count drops when the request is delivered back.
            _ = transportClock.Delay(delay, _stopping.Token).ContinueWith(_ => Interlocked.Decrement(ref _waiting[request.Step]),
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }));
    }
}
