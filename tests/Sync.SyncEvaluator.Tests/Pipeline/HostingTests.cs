using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncEvaluator.Apis;
using Sync.SyncEvaluator.Extensions;
using Sync.SyncEvaluator.Storage;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncEvaluator.Tests.Pipeline;

[FastLane]
public sealed class HostingTests
{
    [Fact]
    public async Task EmbeddedEvaluatorDecidesOnTheInMemoryBusWithTheInMemoryStore()
    {
        await using var host = await TestHostBuilder.For(EvaluatorHost.Recipe, TestLane.InMemory()).WithApiKey(EvaluatorHost.ApiKey).Start();
        var activity = Events.Activity(42, ActivityKind.FormSubmission);

        await host.Service<ConfirmedPublisher>().Publish(activity, CancellationToken.None);

        var status = await Eventually.Until(async () =>
            await host.Http.GetFromJsonAsync<SyncStatusResponse>("prospects/42/sync-status", EvaluatorHost.Json) is { OutstandingSync.Published: true } published
                ? published : null,
            "the embedded evaluator to queue and publish a sync");
        Assert.IsType<InMemorySyncStateStore>(host.Service<ISyncStateStore>());
        Assert.Equal(DecisionOutcome.SyncQueued, status.Decisions.Single().Outcome);
    }

    [Fact]
    public async Task InvalidSyncStateSettingsStopTheStartNamingTheKey()
    {
        var start = TestHostBuilder.For(EvaluatorHost.Recipe, TestLane.InMemory()).WithSettings(new Dictionary<string, string?>
        {
            ["SyncState:Lease"] = "00:00:00",
            ["SyncState:PublishGrace"] = "00:00:00.0005",
            ["SyncState:DecisionsRetention"] = "-1.00:00:00",
        }).Start();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => start);

        Assert.Contains("SyncState:Lease must be a positive duration", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SyncState:PublishGrace must be a whole number of milliseconds", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SyncState:DecisionsRetention must be a positive duration", failure.Message, StringComparison.Ordinal);
    }
}
