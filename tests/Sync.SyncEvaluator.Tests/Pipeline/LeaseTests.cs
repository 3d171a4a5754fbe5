using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncEvaluator.Outbox;
using Sync.SyncEvaluator.Storage;
using Sync.Testing;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>An evaluator whose leases are tiny, and whose publishes can be made to fail, to see the outbox and leases at work.</summary>
public sealed class ShortLeaseEvaluatorHost : EvaluatorHost
{
    public FailingPublisher Publisher { get; } = new();

    protected override string Purpose => "evaluator-lease";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["SyncState:PublishGrace"] = "00:00:00.300",
        ["SyncState:Lease"] = "00:00:00.400",
        ["SyncState:MaxLease"] = "00:00:02",
        ["SyncState:RelayInterval"] = "00:00:00.050",
    };

    protected override void AddTestServices(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<ISyncRequestPublisher>(services =>
            Publisher.Around(new BusSyncRequestPublisher(services.GetRequiredService<ConfirmedPublisher>())));
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

        var schedule = Assert.IsType<RedisSyncStateStore>(evaluator.Host.Service<ISyncStateStore>()).ScheduleKey;
        await Eventually.True(async () => await evaluator.Redis.Database.SortedSetScoreAsync(schedule, prospect) is null,
            "the relay to take the completed prospect off its schedule");
        Assert.False((await evaluator.Status(prospect))!.SyncOutstanding);
    }

    [Fact]
    public async Task FailedPublishLosesNoSyncAndEveryRequestCarriesTheSameSyncId()
    {
        var prospect = EvaluatorHost.NewProspect();
        evaluator.Publisher.FailNext(prospect, times: 1);
        var activity = Events.Activity(prospect, ActivityKind.FormHandlerSubmission);

        await evaluator.Publish(activity);
        await evaluator.Consumed(activity.EventId);

        // The consumer's retry publishes the unconfirmed request again, or, if the publish grace ran out first, the relay issues it again.
        var requests = await evaluator.SyncRequests(prospect, 1);
        var status = (await evaluator.Status(prospect))!;
        Assert.Single(status.Decisions, decision => decision.EventId == activity.EventId);
        Assert.All(requests, request => Assert.Equal(status.OutstandingSync!.SyncId, request.SyncId));
        Assert.Equal(requests.Count, requests.Select(request => request.Issue).Distinct().Count());
    }

    [Fact]
    public async Task SyncRecordedButNeverPublishedIsPublishedByTheRelayWhenItsGraceRunsOut()
    {
        var prospect = EvaluatorHost.NewProspect();
        var store = evaluator.Host.Service<ISyncStateStore>();
        // As if the evaluator stopped right after the script and its message were lost: the outbox holds a sync nobody published.
        var step = (await store.Apply([ChangeClassifier.Classify(Events.Activity(prospect, ActivityKind.EmailLinkClick))], CancellationToken.None)).Single();
        await store.Schedule(prospect, step.Outstanding!.LeaseUntil, CancellationToken.None);

        var published = (await evaluator.SyncRequests(prospect, 1))[0];

        Assert.Equal(step.ToPublish!.SyncId, published.SyncId);
        Assert.Equal(2, published.Issue);
    }
}
