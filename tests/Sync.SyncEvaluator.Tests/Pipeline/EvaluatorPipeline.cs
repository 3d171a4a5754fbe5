namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>The evaluator on the real RabbitMQ and Redis, shared by the pipeline suites' server-lane classes.</summary>
[CollectionDefinition(nameof(EvaluatorPipeline))]
public sealed class EvaluatorPipeline : ICollectionFixture<EvaluatorHost>;
