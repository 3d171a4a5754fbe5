using System.Text.Json;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// A message that is not a valid contract lands in its queue's "_error" twin with the reason, is never decided on as defaults,
/// and the evaluator goes on with the next message. Upstreams without MassTransit publish plain JSON to the entry points.
/// </summary>
[Collection(nameof(EvaluatorPipeline))]
public sealed class MalformedMessageTests(EvaluatorHost evaluator)
{
    [Fact]
    public async Task InvalidEventOnTheBusGoesToTheErrorQueueWithTheReasonAndConsumingGoesOn()
    {
        var prospect = EvaluatorHost.NewProspect();
        var invalid = Events.Activity(prospect, ActivityKind.FormSubmission) with { OccurredAt = default };

        await evaluator.Publish(invalid);
        var rejected = await ErrorFor(SyncQueues.EvaluatorEvents, invalid.EventId.ToString());

        Assert.Contains("occurredAt is required", rejected.Header("MT-Fault-Message"), StringComparison.Ordinal);
        await EvaluatorStillDecides(prospect);
        Assert.DoesNotContain((await evaluator.Status(prospect))!.Decisions, decision => decision.EventId == invalid.EventId);
    }

    public static TheoryData<string, string> EntryPoints => new()
    {
        { SyncQueues.EvaluatorJsonActivity, """{"eventId":"{eventId}","prospectId":{prospectId},"occurredAt":"{now}","kind":"FormSubmission","assetName":"Pricing"}""" },
        { SyncQueues.EvaluatorJsonProspectChange, """{"eventId":"{eventId}","prospectId":{prospectId},"occurredAt":"{now}","kind":"AssignedUserChanged","origin":"User","revision":3}""" },
        { SyncQueues.EvaluatorJsonCrmChange, """{"eventId":"{eventId}","prospectId":{prospectId},"occurredAt":"{now}","objectType":"Lead","crmRecordId":"00Q9","kind":"Updated","lastModifiedDate":"{now}"}""" },
        { SyncQueues.EvaluatorJsonImport, """{"eventId":"{eventId}","importId":"{eventId}","occurredAt":"{now}","prospectIds":[{prospectId}]}""" },
        { SyncQueues.EvaluatorJsonForcedSync, """{"eventId":"{eventId}","prospectId":{prospectId},"occurredAt":"{now}","reason":"retry from the sync-error list"}""" },
    };

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public async Task UpstreamPublishingPlainJsonToItsEntryPointIsDecidedOn(string entryPoint, string template)
    {
        var prospect = EvaluatorHost.NewProspect();
        var eventId = Guid.NewGuid();
        var json = template.Replace("{eventId}", eventId.ToString(), StringComparison.Ordinal)
            .Replace("{prospectId}", prospect.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{now}", DateTimeOffset.UtcNow.ToString("O"), StringComparison.Ordinal);

        Assert.True(await evaluator.Broker.PublishJson(entryPoint, "", json), $"the exchange {entryPoint} routes to its queue");
        var decision = await evaluator.Decision(prospect, eventId);

        Assert.Equal(DecisionOutcome.SyncQueued, decision.Outcome);
        Assert.Single(await evaluator.SyncRequests(prospect, 1));
    }

    [Theory]
    [InlineData(SyncQueues.EvaluatorJsonActivity, "{}", "missing required properties")]
    [InlineData(SyncQueues.EvaluatorJsonProspectChange, """{"eventId":"6c3b1f0e-0000-4000-8000-000000000001","prospectId":5,"occurredAt":"2026-11-27T10:00:00Z","kind":"Renamed","origin":"User"}""", "kind")]
    [InlineData(SyncQueues.EvaluatorJsonProspectChange, """{"eventId":"6c3b1f0e-0000-4000-8000-000000000004","prospectId":5,"occurredAt":"2026-11-27T10:00:00Z","kind":"DoNotSyncCleared","origin":"User"}""", "revision is required for a Do Not Sync change")]
    [InlineData(SyncQueues.EvaluatorJsonImport, """{"eventId":"6c3b1f0e-0000-4000-8000-000000000002","importId":"6c3b1f0e-0000-4000-8000-000000000003","occurredAt":"2026-11-27T10:00:00Z","prospectIds":[]}""", "prospectIds must list at least one prospect")]
    [InlineData(SyncQueues.EvaluatorJsonImport, """{"eventId":"6c3b1f0e-0000-4000-8000-000000000005","importId":"6c3b1f0e-0000-4000-8000-000000000006","occurredAt":"2026-11-27T10:00:00Z","prospectIds":[5,6],"revisions":[1]}""", "revisions must have as many entries as prospectIds")]
    public async Task PlainJsonThatIsNotTheContractGoesToTheEntryPointsErrorQueueWithTheReason(string entryPoint, string json, string reason)
    {
        var marker = Guid.NewGuid().ToString();

        Assert.True(await evaluator.Broker.PublishJson(entryPoint, "", json, new Dictionary<string, object> { ["test-marker"] = marker }));
        var rejected = await ErrorFor(entryPoint, marker);

        Assert.Contains(reason, rejected.Header("MT-Fault-Message"), StringComparison.Ordinal);
        await EvaluatorStillDecides(EvaluatorHost.NewProspect(), entryPoint == SyncQueues.EvaluatorJsonActivity);
    }

    [Fact]
    public async Task PlainJsonSerializedFromTheContractRoundTrips()
    {
        var prospect = EvaluatorHost.NewProspect();
        var change = Events.CrmChange(prospect, CrmObjectType.Contact, CrmChangeKind.OwnerChanged, DateTimeOffset.UtcNow);

        await evaluator.Broker.PublishJson(SyncQueues.EvaluatorJsonCrmChange, "", JsonSerializer.Serialize(change, EvaluatorHost.Json));
        var decision = await evaluator.Decision(prospect, change.EventId);

        Assert.Equal(nameof(SyncRules.CrmOwnerChange), decision.Rule);
    }

    /// <summary>Waits for the rejected message (found by a string in its body or headers) in the queue's error twin.</summary>
    private Task<QueuedMessage> ErrorFor(string queue, string marker) =>
        Eventually.Until(async () => (await evaluator.Broker.Peek(queue + "_error")).FirstOrDefault(message =>
                message.Payload.Contains(marker, StringComparison.Ordinal) || message.Header("test-marker") == marker),
            $"the rejected message in {queue}_error");

    private async Task EvaluatorStillDecides(long prospect, bool throughJsonEntryPoint = false)
    {
        var next = Events.Activity(prospect, ActivityKind.FormSubmission);
        if (throughJsonEntryPoint)
            await evaluator.Broker.PublishJson(SyncQueues.EvaluatorJsonActivity, "", JsonSerializer.Serialize(next, EvaluatorHost.Json));
        else
            await evaluator.Publish(next);
        Assert.Equal(DecisionOutcome.SyncQueued, (await evaluator.Decision(prospect, next.EventId)).Outcome);
    }
}
