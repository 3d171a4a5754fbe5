using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using MassTransit;
using MassTransit.InMemoryTransport;
using Microsoft.Extensions.DependencyInjection;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.CrmSimulator.Apis;
using Sync.CrmSimulator.Extensions;
using Sync.ProspectEditor.Apis;
using Sync.ProspectEditor.Extensions;
using Sync.ServiceDefaults.Messaging;
using Sync.SyncWorker.Apis;
using Sync.SyncWorker.Extensions;
using Sync.SyncWorker.Tests.Fakes;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.SyncWorker.Tests;

/// <summary>The worker in embedded mode: the in-memory bus, in-memory stores and the in-process retry steps.</summary>
[FastLane]
public sealed class EmbeddedWorkerTests
{
    [Fact]
    public async Task EmbeddedTheWorkerSyncsAndRetriesWithNothingInstalled()
    {
        var crm = new FakeCrm { FailNextCalls = 1 };
        var editor = new FakeProspectEditor();
        var completions = new ConcurrentQueue<SyncCompleted>();
        await using var host = await StartWorker(crm, editor, completions);
        var ids = Enumerable.Range(0, 5).Select(_ => WorkerHost.NextProspectId()).ToList();
        foreach (var id in ids)
            editor.Add(id, $"p{id}@example.test", new Dictionary<string, string?> { ["lastName"] = "Embedded", ["company"] = "Acme" });

        await host.Service<ConfirmedPublisher>().PublishBatch(ids.Select(id => WorkerHost.Request(id)).ToList(), CancellationToken.None);

        await Eventually.True(() => completions.Count == 5, "every prospect to be reported");
        Assert.All(completions, completed => Assert.Equal(SyncOutcome.Synced, completed.Outcome));
        Assert.Equal(0, crm.FailNextCalls);
        Assert.All(ids, id => Assert.Single(crm.WithEmail($"p{id}@example.test")));

        // Paused, the in-memory queue keeps what is published; resumed, it is all synced.
        (await host.Http.PostAsync("sync/pause", null)).EnsureSuccessStatusCode();
        var later = Enumerable.Range(0, 3).Select(_ => WorkerHost.NextProspectId()).ToList();
        foreach (var id in later)
            editor.Add(id, $"p{id}@example.test", new Dictionary<string, string?> { ["lastName"] = "Later", ["company"] = "Acme" });
        await host.Service<ConfirmedPublisher>().PublishBatch(later.Select(id => WorkerHost.Request(id)).ToList(), CancellationToken.None);
        Assert.Equal(5, completions.Count);
        (await host.Http.PostAsync("sync/resume", null)).EnsureSuccessStatusCode();
        await Eventually.True(() => completions.Count == 8, "the requests published while paused to be synced after the resume");
    }

    [Fact]
    public async Task EmbeddedWithTheServicesItCallsTheWorkerSyncsThroughTheirRealApis()
    {
        var completions = new ConcurrentQueue<SyncCompleted>();
        var port = FreePorts.Next();
        var self = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/");
        // As the embedded host does: one container, one in-memory bus, each service reaching the others over HTTP.
        var embedded = new ServiceRecipe("sync-embedded",
            builder =>
            {
                // activity-tracker registers the prospect-editor client before the worker does.
                builder.AddProspectEditorClient();
                builder.AddProspectEditor();
                builder.AddSyncWorker();
                builder.AddCrmSimulator();
                builder.Services.AddSingleton(completions);
            },
            bus =>
            {
                bus.AddProspectEditorConsumers();
                bus.AddSyncWorkerConsumers();
                bus.AddConsumer<EmbeddedCompletionRecorder, EmbeddedCompletionRecorderDefinition>();
            },
            app =>
            {
                app.MapProspectEditorApi();
                app.MapSyncWorkerApi();
                app.MapCrmSimulatorApi();
            });
        await using var host = await TestHostBuilder.For(embedded, TestLane.InMemory())
            .WithSettings(WorkerHost.FastSettings())
            .WithSettings(new Dictionary<string, string?> { ["Services:ProspectEditor:Url"] = self, ["Services:Crm:Url"] = self })
            .WithApiKey(WorkerHost.ApiKey)
            .AtPort(port)
            .Start();
        var email = $"embedded.{Guid.NewGuid():N}@example.com";
        var created = await host.Http.PostAsJsonAsync("prospects", new { email, fields = new { lastName = "Embedded", company = "Acme" } });
        var prospect = (await created.Content.ReadFromJsonAsync<ProspectDto>(Json.Options))!;

        await host.Service<ConfirmedPublisher>().Publish(WorkerHost.Request(prospect.Id), CancellationToken.None);

        var completed = await Eventually.Until(() => Task.FromResult(completions.FirstOrDefault(done => done.ProspectId == prospect.Id)), "the prospect's SyncCompleted");
        Assert.Equal((SyncOutcome.Synced, CrmObjectType.Lead), (completed.Outcome, completed.CrmObjectType));
        Assert.Equal(completed.CrmRecordId, (await host.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospect.Id}", Json.Options))!.CrmRecordId);
    }

    [Fact]
    public async Task EmbeddedARetriedRequestComesBackAfterItsStepsDelayWithItsAttemptCounted()
    {
        var crm = new FakeCrm { FailNextCalls = 2 };
        var editor = new FakeProspectEditor();
        var completions = new ConcurrentQueue<SyncCompleted>();
        // Delays no test would wait out: only the in-memory transport's own clock, advanced below, ends them.
        await using var host = await StartWorker(crm, editor, completions, new Dictionary<string, string?>
        {
            ["SyncWorker:RetryDelays:0"] = "01:00:00",
            ["SyncWorker:RetryDelays:1"] = "02:00:00",
        });
        var transportClock = host.Service<IInMemoryDelayProvider>();
        var id = WorkerHost.NextProspectId();
        editor.Add(id, $"p{id}@example.test", new Dictionary<string, string?> { ["lastName"] = "Retried", ["company"] = "Acme" });

        await host.Service<ConfirmedPublisher>().Publish(WorkerHost.Request(id), CancellationToken.None);

        // The first failure waits in the first step, and nothing comes back before its delay is over.
        await Eventually.True(async () => await Waiting(host) is [1, 0], "the request to wait in the first retry step");
        Assert.Equal(1, crm.FailNextCalls);
        Assert.Empty(completions);

        // Back after the first step's delay with one attempt counted, its second failure goes to the second step.
        await transportClock.Advance(TimeSpan.FromHours(1));
        await Eventually.True(async () => await Waiting(host) is [0, 1], "the retried request to fail again and wait in the second retry step");
        Assert.Equal(0, crm.FailNextCalls);
        Assert.Empty(completions);

        await transportClock.Advance(TimeSpan.FromHours(2));
        var completed = await Eventually.Until(() => Task.FromResult(completions.FirstOrDefault(done => done.ProspectId == id)), "the prospect's SyncCompleted");
        Assert.Equal(SyncOutcome.Synced, completed.Outcome);
        Assert.Single(crm.WithEmail($"p{id}@example.test"));
        Assert.Equal([0L, 0L], await Waiting(host));
    }

    private static async Task<long?[]> Waiting(TestServiceHost host) =>
        (await host.Http.GetFromJsonAsync<WorkerStatus>("sync/status", Json.Options))!.RetryQueues.Select(step => step.Messages).ToArray();

    private static Task<TestServiceHost> StartWorker(
        FakeCrm crm, FakeProspectEditor editor, ConcurrentQueue<SyncCompleted> completions, Dictionary<string, string?>? settings = null) =>
        TestHostBuilder.For(WorkerRecipe.Service, TestLane.InMemory())
            .WithSettings(WorkerHost.FastSettings())
            .WithSettings(settings)
            .WithApiKey(WorkerHost.ApiKey)
            .ReplaceServices(services =>
            {
                services.AddSingleton<ICrmClient>(crm);
                services.AddSingleton<IProspectEditorClient>(editor);
                services.AddSingleton(completions);
            })
            .WithTestConsumers(bus => bus.AddConsumer<EmbeddedCompletionRecorder, EmbeddedCompletionRecorderDefinition>())
            .Start();

    private sealed class EmbeddedCompletionRecorder(ConcurrentQueue<SyncCompleted> completions) : IConsumer<SyncCompleted>
    {
        public Task Consume(ConsumeContext<SyncCompleted> context)
        {
            completions.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    private sealed class EmbeddedCompletionRecorderDefinition : ConsumerDefinition<EmbeddedCompletionRecorder>
    {
        public EmbeddedCompletionRecorderDefinition() => EndpointName = SyncQueues.EvaluatorCompletions;
    }
}
