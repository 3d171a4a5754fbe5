namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>The evaluator on MassTransit's in-memory test harness and the in-memory store, shared by the fast-lane classes.</summary>
[CollectionDefinition(nameof(InMemoryEvaluatorPipeline))]
public sealed class InMemoryEvaluatorPipeline : ICollectionFixture<InMemoryEvaluatorHost>;
