using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncEvaluator.Evaluation;
using Sync.SyncEvaluator.Outbox;
using Sync.SyncEvaluator.Storage;
using Sync.Testing;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>An evaluator whose leases are tiny, and whose publishes and store can be made to fail, to see the outbox and leases at work.</summary>
public sealed class ShortLeaseEvaluatorHost : EvaluatorHost
{
    public FailingPublisher Publisher { get; } = new();

    public FailingSyncStateStore Store { get; } = new();

    protected override string Purpose => "evaluator-lease";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["SyncState:PublishGrace"] = "00:00:00.300",
        ["SyncState:Lease"] = "00:00:00.400",
        ["SyncState:MaxLease"] = "00:00:02",
        ["SyncState:RelayInterval"] = "00:00:00.050",
    };

    protected override void AddTestServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISyncRequestPublisher>(services =>
            Publisher.Around(new BusSyncRequestPublisher(services.GetRequiredService<ConfirmedPublisher>())));
        builder.Services.AddSingleton<ISyncStateStore>(services => Store.Around(ActivatorUtilities.CreateInstance<RedisSyncStateStore>(services)));
    }
}

/// <summary>Fails the next publishes of chosen prospects, as a broker that is away would.</summary>
public sealed class FailingPublisher : ISyncRequestPublisher
{
    private readonly Dictionary<long, int> _failuresLeft = [];
    private ISyncRequestPublisher _inner = null!;

    public FailingPublisher Around(ISyncRequestPublisher inner)
    {
        _inner = inner;
        return this;
    }

    public void FailNext(long prospectId, int times)
    {
        lock (_failuresLeft)
            _failuresLeft[prospectId] = times;
    }

    public Task Publish(IReadOnlyList<SyncRequested> requests, CancellationToken cancellationToken)
    {
        lock (_failuresLeft)
        {
            foreach (var request in requests)
            {
                if (_failuresLeft.GetValueOrDefault(request.ProspectId) is > 0 and var left)
                {
                    _failuresLeft[request.ProspectId] = left - 1;
                    throw new BrokerUnavailableException(nameof(SyncRequested), new TimeoutException("The test broker did not confirm."));
                }
            }
        }
        return _inner.Publish(requests, cancellationToken);
    }
}

public sealed class LeaseTests(ShortLeaseEvaluatorHost evaluator) : IClassFixture<ShortLeaseEvaluatorHost>
{
    [Fact]
    public async Task SyncNotCompletedWithinItsLeaseIsIssuedAgainWithTheSameSyncId()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.Activity(prospect, ActivityKind.FormSubmission));

        var requests = await evaluator.SyncRequests(prospect, 2);

        Assert.Single(requests.Select(request => request.SyncId).Distinct());
        Assert.Equal([1, 2], requests.Take(2).Select(request => request.Issue));
        Assert.Equal(requests.Count, requests.Select(request => request.EventId).Distinct().Count());
        var reissue = (await evaluator.Status(prospect))!.Decisions.First(decision => decision.Outcome == DecisionOutcome.SyncReissued);
        Assert.Equal(requests[0].SyncId, reissue.SyncId);
        Assert.Contains("was not completed within its lease: issued again with the same sync id", reissue.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompletionEndsTheLeaseAndTakesTheProspectOffTheRelaysSchedule()
    {
        var prospect = EvaluatorHost.NewProspect();
        await evaluator.Publish(Events.Activity(prospect, ActivityKind.CustomRedirectClick));
        var request = (await evaluator.SyncRequests(prospect, 1))[0];
        var completion = Events.Completed(request);

        await evaluator.Publish(completion);
        await evaluator.Decision(prospect, completion.EventId);

        var schedule = Assert.IsType<RedisSyncStateStore>(evaluator.Store.Inner).ScheduleKey;
        await Eventually.True(async () => await evaluator.Redis.Database.SortedSetScoreAsync(schedule, prospect) is null,
            "the relay to take the completed prospect off its schedule");
        Assert.False((await evaluator.Status(prospect))!.SyncOutstanding);
    }

    [Fact]
    public async Task SyncRecordedJustBeforeTheStoreWentAwayIsPublishedByTheRelayWhenItsGraceRunsOut()
    {
        var prospect = EvaluatorHost.NewProspect();
        var click = Events.Activity(prospect, ActivityKind.EmailLinkClick);
        // Redis goes away right after the script and stays away longer than the consumer's retries: the message ends in the
        // error queue, and the sync the script recorded was neither published nor put on the relay's schedule after the step.
        evaluator.Store.FailAfterNextApply(prospect);
        await Assert.ThrowsAsync<RedisConnectionException>(() => evaluator.Host.Service<ChangeEvaluator>()
            .Evaluate([ChangeClassifier.Classify(click)], deliveredBefore: false, CancellationToken.None));

        var published = (await evaluator.SyncRequests(prospect, 1))[0];

        var status = (await evaluator.Status(prospect))!;
        Assert.Equal(DecisionOutcome.SyncQueued, status.Decisions.Single(decision => decision.EventId == click.EventId).Outcome);
        Assert.Equal((status.OutstandingSync!.SyncId, 2), (published.SyncId, published.Issue));
        var retried = status.Decisions.First(decision => decision.Outcome == DecisionOutcome.PublishRetried);
        Assert.StartsWith($"Sync {published.SyncId.ToString("N")[..8]} was not confirmed published within the publish grace",
            retried.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncLeftUnscheduledAndUnpublishedIsPublishedOnceTheProspectsEventsComeAgain()
    {
        var prospect = EvaluatorHost.NewProspect();
        var first = Events.Activity(prospect, ActivityKind.FormSubmission);
        // What a crash between the script and the schedule left before the schedule was written ahead of the script (and what
        // losing both could still leave): a sync recorded, never on the relay's schedule, never published.
        var recorded = (await evaluator.Store.Inner.Apply([ChangeClassifier.Classify(first)], CancellationToken.None)).Single();

        // An operator moves the message back from the error queue: a first delivery of an event already applied.
        await evaluator.Publish(first);
        await evaluator.Consumed(first.EventId);
        // And the prospect keeps changing.
        var second = Events.Activity(prospect, ActivityKind.PageView);
        await evaluator.Publish(second);

        var published = (await evaluator.SyncRequests(prospect, 1))[0];

        Assert.Equal(recorded.ToPublish!.SyncId, published.SyncId);
        Assert.True(published.Issue >= 2);
        Assert.Equal(DecisionOutcome.JoinedOutstandingSync, (await evaluator.Decision(prospect, second.EventId)).Outcome);
    }
}
