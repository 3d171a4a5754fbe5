using System.Globalization;
using Sync.Rules;

namespace Sync.SyncEvaluator.Tests.Pipeline;

/// <summary>
/// The evaluator on a broker where deploy/rabbitmq/definitions.json was imported (as docker compose does at the broker's
/// start) and where upstreams published plain JSON to every entry point before the evaluator ever ran.
/// </summary>
public sealed class EntryPointsDeclaredAheadHost : EvaluatorHost
{
    public List<(long ProspectId, Guid EventId, string EntryPoint, bool Routed)> PublishedEarly { get; } = [];

    protected override string Purpose => "evaluator-entry-points";

    protected override async Task BeforeEvaluatorStarts()
    {
        await Broker.ImportDefinitions(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "definitions.json")));
        foreach (var entry in MalformedMessageTests.EntryPoints)
        {
            var (entryPoint, template) = ((string)entry[0], (string)entry[1]);
            var prospect = NewProspect();
            var eventId = Guid.NewGuid();
            var json = template.Replace("{eventId}", eventId.ToString(), StringComparison.Ordinal)
                .Replace("{prospectId}", prospect.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{now}", DateTimeOffset.UtcNow.ToString("O"), StringComparison.Ordinal);
            PublishedEarly.Add((prospect, eventId, entryPoint, await Broker.PublishJson(entryPoint, "", json)));
        }
    }
}

public sealed class EntryPointDefinitionsTests(EntryPointsDeclaredAheadHost evaluator) : IClassFixture<EntryPointsDeclaredAheadHost>
{
    [Fact]
    public async Task PlainJsonPublishedBeforeTheEvaluatorEverRanWaitsInItsEntryPointAndIsDecidedOnOnceItRuns()
    {
        Assert.Equal(MalformedMessageTests.EntryPoints.Count(), evaluator.PublishedEarly.Count);
        foreach (var early in evaluator.PublishedEarly)
        {
            Assert.True(early.Routed, $"{early.EntryPoint} routed the message to its queue before the evaluator ran");
            Assert.Equal(DecisionOutcome.SyncQueued, (await evaluator.Decision(early.ProspectId, early.EventId)).Outcome);
        }
    }
}
