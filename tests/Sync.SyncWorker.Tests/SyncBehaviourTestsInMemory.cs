using Sync.Testing;

namespace Sync.SyncWorker.Tests;

/// <summary><see cref="SyncBehaviourTests"/> on MassTransit's in-memory test harness with the in-memory stores: the fast lane.</summary>
[FastLane]
public sealed class SyncBehaviourTestsInMemory(InMemorySyncBehaviourFixture fixture)
    : SyncBehaviourTests(fixture), IClassFixture<InMemorySyncBehaviourFixture>;
