using Sync.Testing.Hosting;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// The same evaluator embedded: MassTransit's in-memory transport registered through its test harness, and the in-memory
/// sync-state store (held to the Redis one by the store contract tests). What it publishes is read from the harness.
/// </summary>
public sealed class InMemoryEvaluatorHost : EvaluatorHost
{
    protected override Task<TestLane> CreateLane() => Task.FromResult<TestLane>(TestLane.InMemory());
}
