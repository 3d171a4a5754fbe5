using MassTransit;

namespace Sync.SyncEvaluator.Consumers;

/// <summary>
/// Where each consumer listens and how much it takes at once. Correctness never needs a single consumer: the Redis script
/// serialises the steps of one prospect, so these limits are about throughput and fairness only. The upstream events share the
/// sync-evaluator queue; completions have a queue of their own, so a flood of upstream events never delays the re-queue that
/// follows a sync.
/// </summary>
public abstract class EvaluatorConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly int _prefetch;

    protected EvaluatorConsumerDefinition(string queue, int prefetch, int concurrentMessages)
    {
        EndpointName = queue;
        _prefetch = prefetch;
        ConcurrentMessageLimit = concurrentMessages;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = Math.Max(endpointConfigurator.PrefetchCount, _prefetch);
}
