using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests;

/// <summary>Where a suite's workers run: a suite that runs on both is an abstract class with a sealed class for each.</summary>
public enum WorkerLane
{
    /// <summary>The real RabbitMQ and Redis (<see cref="ServerLane"/>).</summary>
    Servers,

    /// <summary>MassTransit's in-memory test harness and the in-memory stores (<see cref="InMemoryLane"/>): the fast lane.</summary>
    InMemory,
}

public static class WorkerLanes
{
    public static async Task<TestLane> Create(this WorkerLane lane, string purpose) => lane switch
    {
        WorkerLane.Servers => await TestLane.Servers(purpose),
        WorkerLane.InMemory => TestLane.InMemory(),
        _ => throw new ArgumentOutOfRangeException(nameof(lane), lane, null),
    };
}
