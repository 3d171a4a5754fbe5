using Sync.Testing;

namespace Sync.SyncEvaluator.Tests.Pipeline;

// Each behaviour suite of the evaluator runs twice: on the real RabbitMQ and Redis (the evaluator as deployed), and
// embedded on MassTransit's in-memory test harness with the in-memory store, in the fast lane that needs no server.
// A suite that asserts on the broker or on Redis itself (raw JSON entry points, leases, error queues) stays on the servers.

[Collection(nameof(EvaluatorPipeline))]
public sealed class RuleTableOnServers(EvaluatorHost evaluator) : RuleTableTests(evaluator);

[FastLane]
[Collection(nameof(InMemoryEvaluatorPipeline))]
public sealed class RuleTableInMemory(InMemoryEvaluatorHost evaluator) : RuleTableTests(evaluator);

[Collection(nameof(EvaluatorPipeline))]
public sealed class DoNotSyncOnServers(EvaluatorHost evaluator) : DoNotSyncTests(evaluator);

[FastLane]
[Collection(nameof(InMemoryEvaluatorPipeline))]
public sealed class DoNotSyncInMemory(InMemoryEvaluatorHost evaluator) : DoNotSyncTests(evaluator);

[Collection(nameof(EvaluatorPipeline))]
public sealed class SyncStatusApiOnServers(EvaluatorHost evaluator) : SyncStatusApiTests(evaluator);

[FastLane]
[Collection(nameof(InMemoryEvaluatorPipeline))]
public sealed class SyncStatusApiInMemory(InMemoryEvaluatorHost evaluator) : SyncStatusApiTests(evaluator);

[Collection(nameof(EvaluatorPipeline))]
public sealed class CoverageOnServers(EvaluatorHost evaluator) : CoverageTests(evaluator);

[FastLane]
[Collection(nameof(InMemoryEvaluatorPipeline))]
public sealed class CoverageInMemory(InMemoryEvaluatorHost evaluator) : CoverageTests(evaluator);

[Collection(nameof(EvaluatorPipeline))]
public sealed class CoalescingOnServers(EvaluatorHost evaluator) : CoalescingTests(evaluator);

[FastLane]
[Collection(nameof(InMemoryEvaluatorPipeline))]
public sealed class CoalescingInMemory(InMemoryEvaluatorHost evaluator) : CoalescingTests(evaluator);

[Collection(nameof(EvaluatorPipeline))]
public sealed class TelemetryOnServers(EvaluatorHost evaluator) : TelemetryTests(evaluator);

[FastLane]
[Collection(nameof(InMemoryEvaluatorPipeline))]
public sealed class TelemetryInMemory(InMemoryEvaluatorHost evaluator) : TelemetryTests(evaluator);
