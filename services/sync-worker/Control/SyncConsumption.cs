using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Allowance;
using Sync.SyncWorker.BatchForming;
using Sync.SyncWorker.Consumers;
using Sync.SyncWorker.Failures;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Retry;
using Sync.SyncWorker.Storage.WorkerState;

namespace Sync.SyncWorker.Control;

/// <summary>
/// Starts and stops consuming the sync-worker queue. The receive endpoint is connected only while neither an operator's
/// pause nor the CRM allowance holds the worker back, so a paused worker holds no message unacknowledged (RabbitMQ would
/// end that after 30 minutes) and the queue simply fills. The pause and the allowance live in the shared store, so every
/// replica follows them within <see cref="SyncWorkerOptions.ControlInterval"/>, and a restarted worker starts paused.
/// </summary>
public sealed partial class SyncConsumption(
    IReceiveEndpointConnector connector,
    IWorkerStateStore state,
    CrmAllowance allowance,
    ISyncRetryScheduler retries,
    IWorkerQueueDepth queue,
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IOptions<SyncWorkerOptions> options,
    TimeProvider time,
    ILogger<SyncConsumption> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _nudge = new(0);
    private HostReceiveEndpointHandle? _endpoint;
    private ConnectHandle? _arrivals;
    private DateTimeOffset _limitsRefreshedAt = DateTimeOffset.MinValue;

    public ConsumptionStatus Status { get; private set; } = new(false, PauseReason.Starting, null, "the worker is starting", null);

    /// <summary>Asks for the shared state to be applied soon, without waiting (safe from inside a consumer).</summary>
    public void Nudge() => _nudge.Release();

    /// <summary>Applies the shared state now and returns once this replica consumes, or has stopped consuming, accordingly.</summary>
    public async Task Apply(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await Reconcile(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs after every hosted service has started (the bus among them) and before the host reports started: so a
    /// publisher in the same process (the embedded host) never publishes before this endpoint is bound.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await retries.EnsureTopology(cancellationToken);
            await Apply(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogControlFailed(exception);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Receive endpoints connect to a started bus; hosted services start before it has.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await retries.EnsureTopology(stoppingToken);
                await Apply(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogControlFailed(exception);
            }

            // Until nudged or the control interval is over, on the TimeProvider: a cancelled wait takes no nudge away.
            using var tick = new CancellationTokenSource(options.Value.ControlInterval, time);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
            try
            {
                await _nudge.WaitAsync(waiting.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // The interval is over: apply the shared state again.
            }
        }
    }

    private async Task Reconcile(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        ConsumptionStatus wanted;
        if (await state.GetPause() is { } pause)
        {
            wanted = ConsumptionStatus.PausedBy(pause);
        }
        else
        {
            // Not consuming yet (starting, resumed, or held back by the allowance): the CRM's own figures first.
            await RefreshLimitsWhenDue(now, force: _endpoint is null, cancellationToken);
            var batch = await allowance.CanStartBatch();
            var longestInlineWait = options.Value.Allowance.LongestInlineWait;
            wanted = batch switch
            {
                { Granted: true } => new ConsumptionStatus(true, null, null, null, null),
                { Spent: true } => new ConsumptionStatus(false, PauseReason.Allowance, Status.Reason == PauseReason.Allowance ? Status.Since : now,
                    "the CRM's daily API allowance (less the reserve) is spent; consuming resumes when it resets", batch.ResetsAt),
                _ when batch.Wait > longestInlineWait => new ConsumptionStatus(false, PauseReason.Allowance,
                    Status.Reason == PauseReason.Allowance ? Status.Since : now,
                    "paced: the allowance left is spread over the time left until it resets", now + batch.Wait),
                _ => new ConsumptionStatus(true, null, null, null, null),
            };
        }

        if (wanted.Consuming && _endpoint is null)
        {
            // Resolved here, not injected: the batcher pauses consuming through this type.
            SyncBatcher batcher;
            using (var scope = scopes.CreateScope())
                batcher = scope.ServiceProvider.GetRequiredService<SyncBatcher>();
            if (await queue.Ready(cancellationToken) is > 0 and var ready)
                batcher.ExpectBacklog(ready);
            _endpoint = connector.ConnectReceiveEndpoint(SyncQueues.Worker, (context, endpoint) =>
            {
                // Each request is checked on its own, before it joins a batch.
                endpoint.UseFilter(new ContractValidationFilter<SyncRequested>());
                endpoint.ConfigureConsumer<SyncRequestedConsumer>(context);
            });
            // So a batch takes along the requests already delivered and still on their way to it.
            _arrivals = _endpoint.ReceiveEndpoint.ConnectReceiveObserver(batcher.Arrivals);
            // Not awaiting Ready: with the broker away, the endpoint connects when it returns, and the host must not wait for that.
            _ = _endpoint.Ready.ContinueWith(ready => LogConsuming(SyncQueues.Worker), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
        else if (!wanted.Consuming && _endpoint is not null)
        {
            var endpoint = _endpoint;
            _endpoint = null;
            // An endpoint still connecting would not stop until it is ready; the broker gets a while to finish that.
            await Task.WhenAny(endpoint.Ready, Task.Delay(TimeSpan.FromSeconds(30), time, cancellationToken));
            await endpoint.StopAsync(cancellationToken);
            _arrivals?.Disconnect();
            _arrivals = null;
            LogPaused(SyncQueues.Worker, wanted.Reason?.ToString() ?? "", wanted.Detail ?? "");
        }
        Status = wanted;
    }

    private async Task RefreshLimitsWhenDue(DateTimeOffset now, bool force, CancellationToken cancellationToken)
    {
        // Held back by the allowance, the worker asks the CRM at every control tick: reading the limits is not charged.
        if (!force && now - _limitsRefreshedAt < options.Value.Allowance.LimitsRefreshInterval)
            return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await allowance.RefreshLimits(scope.ServiceProvider.GetRequiredService<ICrmClient>(), cancellationToken);
            _limitsRefreshedAt = now;
        }
        catch (Exception exception) when (FailureClassification.IsTransientCall(exception, cancellationToken))
        {
            LogLimitsUnavailable(exception.Message);
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Consuming {Queue}")]
    private partial void LogConsuming(string queue);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Stopped consuming {Queue} ({PauseReason}): {PauseDetail}")]
    private partial void LogPaused(string queue, string pauseReason, string pauseDetail);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Could not read the CRM's limits: {Reason}")]
    private partial void LogLimitsUnavailable(string reason);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Error, Message = "Could not apply the shared pause and allowance state; trying again shortly")]
    private partial void LogControlFailed(Exception exception);
}

/// <param name="Consuming">This replica consumes the sync-worker queue.</param>
/// <param name="ResumesAt">When consuming resumes by itself (the allowance resets, or pacing allows the next batch); null when an operator must resume.</param>
public sealed record ConsumptionStatus(bool Consuming, PauseReason? Reason, DateTimeOffset? Since, string? Detail, DateTimeOffset? ResumesAt)
{
    /// <summary>Not consuming because an operator paused; it holds until an operator resumes.</summary>
    public static ConsumptionStatus PausedBy(OperatorPause pause) =>
        new(false, PauseReason.Operator, pause.Since,
            string.IsNullOrWhiteSpace(pause.Reason) ? "paused by an operator" : $"paused by an operator: {pause.Reason}", null);
}
