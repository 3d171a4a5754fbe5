using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Sync.Contracts;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests;

/// <summary>
/// What left the worker: every SyncCompleted and ProspectSyncForced by the queue that received it, and every message published
/// or sent in its process. The same on both lanes: the recorders are consumers and observers on the worker's own bus.
/// </summary>
public sealed class WorkerRecording
{
    private long _lastCompletionTimestamp;

    public ConcurrentDictionary<Guid, ConcurrentQueue<SyncCompleted>> Completions { get; } = new();

    /// <summary>When the latest SyncCompleted arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for timings that must not include polling.</summary>
    public long LastCompletionTimestamp => Volatile.Read(ref _lastCompletionTimestamp);

    public ConcurrentQueue<ProspectSyncForced> Forced { get; } = new();

    /// <summary>Every message published on the worker's bus: the worker's own, and those a test published through it (<see cref="WorkerHost.Publish"/>).</summary>
    public ConcurrentQueue<object> Published { get; } = new();

    /// <summary>Every message sent (not published) on the worker's bus, with the address it went to: retries, postponed and returned requests.</summary>
    public ConcurrentQueue<(Uri? Address, object Message)> Sent { get; } = new();

    public int CompletionCount => Completions.Values.Sum(queue => queue.Count);

    public void Completed(SyncCompleted completion)
    {
        Completions.GetOrAdd(completion.SyncId, _ => new ConcurrentQueue<SyncCompleted>()).Enqueue(completion);
        Volatile.Write(ref _lastCompletionTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Records on the worker <paramref name="builder"/> hosts: SyncCompleted off the sync-evaluator-completions queue, where the
    /// evaluator reads it, and (unless the test reads the real prospect-editor's events there) ProspectSyncForced off sync-evaluator.
    /// </summary>
    public TestHostBuilder RecordOn(TestHostBuilder builder, bool forcedSyncs) => builder
        .ReplaceServices(services =>
        {
            services.AddSingleton(this);
            services.AddPublishObserver<PublishRecorder>();
            services.AddSendObserver<SendRecorder>();
        })
        .WithTestConsumers(bus =>
        {
            bus.AddConsumer<CompletionRecorder, CompletionRecorderDefinition>();
            if (forcedSyncs)
                bus.AddConsumer<ForcedSyncRecorder, ForcedSyncRecorderDefinition>();
        });

    private sealed class CompletionRecorder(WorkerRecording recorded) : IConsumer<SyncCompleted>
    {
        public Task Consume(ConsumeContext<SyncCompleted> context)
        {
            recorded.Completed(context.Message);
            return Task.CompletedTask;
        }
    }

    private sealed class CompletionRecorderDefinition : ConsumerDefinition<CompletionRecorder>
    {
        public CompletionRecorderDefinition() => EndpointName = SyncQueues.EvaluatorCompletions;
    }

    private sealed class ForcedSyncRecorder(WorkerRecording recorded) : IConsumer<ProspectSyncForced>
    {
        public Task Consume(ConsumeContext<ProspectSyncForced> context)
        {
            recorded.Forced.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    private sealed class ForcedSyncRecorderDefinition : ConsumerDefinition<ForcedSyncRecorder>
    {
        public ForcedSyncRecorderDefinition() => EndpointName = SyncQueues.EvaluatorEvents;
    }

    private sealed class SendRecorder(WorkerRecording recorded) : ISendObserver
    {
        public Task PreSend<T>(SendContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostSend<T>(SendContext<T> context)
            where T : class
        {
            recorded.Sent.Enqueue((context.DestinationAddress, context.Message));
            return Task.CompletedTask;
        }

        public Task SendFault<T>(SendContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }

    private sealed class PublishRecorder(WorkerRecording recorded) : IPublishObserver
    {
        public Task PrePublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class
        {
            recorded.Published.Enqueue(context.Message);
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
