using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncEvaluator.Outbox;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// An evaluator whose publishes can be made to fail, with the default publish grace (30 s): within a test, only the
/// consumer's retry of the message can publish an unconfirmed sync again, never the relay.
/// </summary>
public sealed class FailingPublishEvaluatorHost : EvaluatorHost
{
    public FailingPublisher Publisher { get; } = new();

    protected override string Purpose => "evaluator-failed-publish";

    protected override void AddTestServices(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<ISyncRequestPublisher>(services =>
            Publisher.Around(new BusSyncRequestPublisher(services.GetRequiredService<ConfirmedPublisher>())));
}

public sealed class FailedPublishTests(FailingPublishEvaluatorHost evaluator) : IClassFixture<FailingPublishEvaluatorHost>
{
    [Fact]
    public async Task ARetriedMessageWhoseSyncWasNeverConfirmedPublishesThatVerySyncAgain()
    {
        var prospect = EvaluatorHost.NewProspect();
        evaluator.Publisher.FailNext(prospect, times: 1);
        var activity = Events.Activity(prospect, ActivityKind.FormHandlerSubmission);

        await evaluator.Publish(activity);
        await evaluator.Consumed(activity.EventId);

        // The retry finds the event applied, decides nothing again, and publishes the request exactly as issued (issue 1);
        // the relay would issue it again only after the grace (issue 2, a PublishRetried decision).
        var request = (await evaluator.SyncRequests(prospect, 1)).Single();
        var status = (await evaluator.Status(prospect))!;
        Assert.Single(status.Decisions, decision => decision.EventId == activity.EventId);
        Assert.Equal((status.OutstandingSync!.SyncId, 1), (request.SyncId, request.Issue));
        Assert.DoesNotContain(status.Decisions, decision => decision.Outcome == DecisionOutcome.PublishRetried);
    }
}
