using System.Collections.Concurrent;
using MassTransit;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>Records, by event id, each message the evaluator finished consuming: a barrier that needs no sleep.</summary>
public sealed class ConsumeRecorder : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _finished = new();

    public int Finished(Guid eventId) => _finished.GetValueOrDefault(eventId);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        if (Events.TryIdOf(context.Message) is { } eventId)
            _finished.AddOrUpdate(eventId, 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
