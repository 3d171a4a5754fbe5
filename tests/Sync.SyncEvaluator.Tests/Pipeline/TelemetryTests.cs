using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sync.SyncEvaluator.Tests.Pipeline;

public abstract class TelemetryTests(EvaluatorHost evaluator)
{
    [Fact]
    public async Task EachDecisionIsASpanAndACountByRuleAndOutcome()
    {
        var spans = new ConcurrentBag<Activity>();
        var counted = new ConcurrentBag<(string? Rule, string? Outcome)>();
        using var spanListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Extensions.Extensions.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(spanListener);
        // Only this host's meter: the property tests count decisions of their own in parallel, under the same meter name.
        var meters = evaluator.Host.Service<IMeterFactory>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Meter.Name == Extensions.Extensions.ActivitySourceName
                    && instrument.Name == "sync.evaluator.decisions")
                    listener.EnableMeasurementEvents(instrument);
            },
        };
        meterListener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var all = tags.ToArray();
            counted.Add((all.FirstOrDefault(tag => tag.Key == "sync.rule").Value as string, all.FirstOrDefault(tag => tag.Key == "sync.outcome").Value as string));
        });
        meterListener.Start();
        var prospect = EvaluatorHost.NewProspect();
        // Upstreams do put addresses where they should not; none may reach a span.
        var open = Events.Activity(prospect, Sync.Contracts.ActivityKind.EmailOpen) with
        {
            VisitorId = "ada.lovelace@example.com",
            Url = "https://example.test/newsletter?email=ada.lovelace@example.com",
        };

        await evaluator.Publish(open);
        await evaluator.Consumed(open.EventId);

        var span = Assert.Single(spans, activity => Equals(activity.GetTagItem("sync.event_id"), open.EventId.ToString()));
        Assert.Equal("sync decision", span.OperationName);
        Assert.Equal(prospect, span.GetTagItem("sync.prospect_id"));
        Assert.Equal("EmailOpen", span.GetTagItem("sync.rule"));
        Assert.Equal("NoSync", span.GetTagItem("sync.outcome"));
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value?.ToString()?.Contains('@', StringComparison.Ordinal) == true);
        Assert.Contains(("EmailOpen", "NoSync"), counted);
    }
}
