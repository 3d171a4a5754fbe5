using Sync.CrmChangeListener.Configuration;
using Sync.CrmChangeListener.Extensions;
using Sync.CrmChangeListener.Feed;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests;

[FastLane]
public sealed class FeedRetryPipelineTests
{
    private static readonly CrmFeedOptions Options = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(40),
    };

    [Fact]
    public async Task EachFailureInARowWaitsTwiceAsLongAsTheLastUpToTheMaximum()
    {
        var retries = new List<(int Failures, TimeSpan Delay)>();
        var pipeline = FeedRetryPipeline.Build(Options, TimeProvider.System, (_, failures, delay) => retries.Add((failures, delay)));
        var attempts = 0;

        var result = await pipeline.ExecuteAsync(_ => ++attempts <= 4 ? throw new InvalidOperationException("down") : ValueTask.FromResult("handled"));

        Assert.Equal("handled", result);
        Assert.Equal([1, 2, 3, 4], retries.Select(retry => retry.Failures));
        double[] expected = [10, 20, 40, 40];
        for (var i = 0; i < expected.Length; i++)
            Assert.InRange(retries[i].Delay.TotalMilliseconds, expected[i] * 0.8, expected[i] * 1.2);
    }

    [Fact]
    public async Task ASuccessfulAttemptStartsTheCountOfFailuresOver()
    {
        var retries = new List<int>();
        var pipeline = FeedRetryPipeline.Build(Options, TimeProvider.System, (_, failures, _) => retries.Add(failures));
        var attempts = 0;
        await pipeline.ExecuteAsync(_ => ++attempts <= 2 ? throw new InvalidOperationException("down") : ValueTask.CompletedTask);
        attempts = 0;

        await pipeline.ExecuteAsync(_ => ++attempts <= 1 ? throw new InvalidOperationException("down") : ValueTask.CompletedTask);

        Assert.Equal([1, 2, 1], retries);
    }

    [Fact]
    public async Task ACallThatTimedOutIsRetriedLikeAnyOtherFailure()
    {
        var pipeline = FeedRetryPipeline.Build(Options, TimeProvider.System, (_, _, _) => { });
        var attempts = 0;

        await pipeline.ExecuteAsync(_ => ++attempts == 1 ? throw new TaskCanceledException("timed out") : ValueTask.CompletedTask);

        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task TheListenerStoppingEndsTheRetriesWithoutAnotherAttempt()
    {
        var pipeline = FeedRetryPipeline.Build(Options, TimeProvider.System, (_, _, _) => { });
        using var stopping = new CancellationTokenSource();
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.ExecuteAsync(async token =>
        {
            attempts++;
            await stopping.CancelAsync();
            token.ThrowIfCancellationRequested();
        }, stopping.Token).AsTask());

        Assert.Equal(1, attempts);
    }
}
