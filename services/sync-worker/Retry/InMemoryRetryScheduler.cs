using MassTransit;
using Microsoft.Extensions.Options;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Options;

namespace Sync.SyncWorker.Retry;

/// <summary>
/// The embedded (in-memory bus) equivalent of the retry queues: each waiting request is kept, counted per step, and sent
/// back to the sync-worker queue when its delay is over. Like everything embedded, it lives as long as the process.
/// </summary>
public sealed class InMemoryRetryScheduler(IBus bus, IOptions<SyncWorkerOptions> options, TimeProvider time, ILogger<InMemoryRetryScheduler> logger)
    : BackgroundService, ISyncRetryScheduler, IWorkerQueueDepth
{
    /// <summary>The in-memory bus cannot be asked: a batch takes what was delivered to it.</summary>
    public Task<long> Ready(CancellationToken cancellationToken) => Task.FromResult(0L);

    private readonly Lock _lock = new();
    private readonly List<(PendingSync Pending, TimeSpan Step, DateTimeOffset Due)> _waiting = [];
    private readonly SemaphoreSlim _added = new(0);

    private IReadOnlyList<TimeSpan> Steps => options.Value.EffectiveRetryDelays;

    public Task ScheduleRetry(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken)
    {
        foreach (var pending in requests)
            Add(pending with { Attempt = pending.Attempt + 1 }, Steps[Math.Min(pending.Attempt, Steps.Count - 1)]);
        return Task.CompletedTask;
    }

    public Task Postpone(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken)
    {
        foreach (var pending in requests)
            Add(pending, Steps[0]);
        return Task.CompletedTask;
    }

    public async Task Return(IReadOnlyCollection<PendingSync> requests, CancellationToken cancellationToken) =>
        await Task.WhenAll(requests.Select(pending => SendBack(pending, cancellationToken)));

    public Task EnsureTopology(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<RetryStepState>> Describe(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RetryStepState>>(Steps
                .Select(step => new RetryStepState(SyncWorkerOptions.RetryQueueName(step), step, _waiting.Count(waiting => waiting.Step == step)))
                .ToList());
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            List<PendingSync> due;
            TimeSpan wait;
            lock (_lock)
            {
                var now = time.GetUtcNow();
                due = _waiting.Where(waiting => waiting.Due <= now).Select(waiting => waiting.Pending).ToList();
                _waiting.RemoveAll(waiting => waiting.Due <= now);
                wait = _waiting.Count == 0 ? Timeout.InfiniteTimeSpan : _waiting.Min(waiting => waiting.Due) - now;
            }

            foreach (var pending in due)
            {
                try
                {
                    await SendBack(pending, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Could not send sync {SyncId} of prospect {ProspectId} back for its retry; trying again shortly",
                        pending.Request.SyncId, pending.Request.ProspectId);
                    Add(pending, Steps[0]);
                }
            }

            try
            {
                await _added.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Add(PendingSync pending, TimeSpan step)
    {
        lock (_lock)
            _waiting.Add((pending, step, time.GetUtcNow() + step));
        _added.Release();
    }

    private async Task SendBack(PendingSync pending, CancellationToken cancellationToken)
    {
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{SyncQueues.Worker}"));
        await endpoint.Send(pending.Request, context => context.Headers.Set(RetryHeaders.Attempt, pending.Attempt), cancellationToken);
    }
}
