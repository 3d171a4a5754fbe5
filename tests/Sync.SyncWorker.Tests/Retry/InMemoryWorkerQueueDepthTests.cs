using Sync.SyncWorker.Retry;
using Sync.Testing;

namespace Sync.SyncWorker.Tests.Retry;

[FastLane]
public sealed class InMemoryWorkerQueueDepthTests
{
    private readonly InMemoryWorkerQueueDepth _depth = new();

    private long Ready => _depth.Ready(CancellationToken.None).Result;

    [Fact]
    public void WhatEnteredTheQueueLessWhatWasDeliveredIsReady()
    {
        _depth.Bound();
        _depth.Published();
        _depth.Published();
        _depth.Sent();
        _depth.Delivered();

        Assert.Equal(2, Ready);
    }

    [Fact]
    public void ARequestPublishedBeforeTheQueueIsBoundIsNotReady()
    {
        // The in-memory transport drops a publish no queue is bound to; a send it queues all the same.
        _depth.Published();
        _depth.Sent();

        Assert.Equal(1, Ready);
        _depth.Bound();
        _depth.Published();
        Assert.Equal(2, Ready);
    }

    [Fact]
    public void ADeliveryToldBeforeItsEntryReadsAsNothingReadyAndTheEntryDoesNotLeaveOneBehind()
    {
        _depth.Delivered();
        Assert.Equal(0, Ready);

        _depth.Sent();
        Assert.Equal(0, Ready);
        _depth.Sent();
        Assert.Equal(1, Ready);
    }
}
