using System.Collections.Concurrent;
using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sync.Contracts;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Messaging;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

/// <summary>The announcing stage of an import, against the in-memory import store and a bus that confirms or is away on cue.</summary>
[FastLane]
public sealed class ImportAnnouncerTests
{
    private static readonly int Max = ProspectsImported.MaxProspectsPerMessage;

    private readonly InMemoryImportStore _store = new(Options.Create(new ImportOptions()), TimeProvider.System);
    private readonly IBus _busProxy = DispatchProxy.Create<IBus, FakeBus>();

    [Fact]
    public async Task EveryFullPartIsPublishedWithTheRevisionOfEachProspectAndLeavesTheOutbox()
    {
        var run = RunWith(Max + 5);

        await Announcer().AnnounceFullParts(run, CancellationToken.None);

        var part = Assert.Single(Bus.Published.OfType<ProspectsImported>());
        Assert.Equal(Max, part.ProspectIds.Count);
        Assert.Equal(part.ProspectIds.Select(id => id * 10), part.Revisions);
        Assert.Equal(run.ImportId, part.ImportId);
        Assert.Equal(5, run.PendingCount);
        Assert.Equal(0, await _store.StagedCount(CancellationToken.None));
        Assert.Equal((1, 0), (run.PartsPublished, run.PartsAwaitingBroker));
    }

    [Fact]
    public async Task WithTheBrokerAwayAPartStaysStagedForTheRelayAndLaterPartsAreOnlyStaged()
    {
        var run = RunWith(Max + 5);
        Bus.Away = true;
        var announcer = Announcer();

        await announcer.AnnounceFullParts(run, CancellationToken.None);
        Bus.Away = false;
        await announcer.AnnouncePart(run, CancellationToken.None);

        Assert.True(run.BrokerAway);
        Assert.Empty(Bus.Published);
        var staged = await _store.Staged(10, CancellationToken.None);
        Assert.Equal(Max + 5, staged.Sum(part => part.ProspectIds.Count));
        Assert.Equal((0, 2, 0), (run.PartsPublished, run.PartsAwaitingBroker, run.PendingCount));
    }

    [Fact]
    public async Task AfterAFailureEveryPendingProspectIsStagedAndNothingPublished()
    {
        var run = RunWith(Max + 5);

        Assert.True(await Announcer().TryStagePending(run));

        Assert.Empty(Bus.Published);
        Assert.Equal(2, await _store.StagedCount(CancellationToken.None));
        Assert.Equal(0, run.PendingCount);
    }

    private FakeBus Bus => (FakeBus)(object)_busProxy;

    private ImportAnnouncer Announcer() =>
        new(new ConfirmedPublisher(_busProxy, Options.Create(new RabbitMqOptions()), TimeProvider.System), _store, TimeProvider.System, NullLogger<ImportAnnouncer>.Instance);

    /// <summary>A run that wrote prospects 1 to <paramref name="prospects"/>, each at ten times its id as revision.</summary>
    private static ImportRun RunWith(int prospects)
    {
        var run = new ImportRun(Guid.NewGuid(), DateTimeOffset.UtcNow, [new ImportColumn(0, "email")], 10, "olivia");
        for (var id = 1L; id <= prospects; id++)
            run.Record(new RowOutcome(id, RowResult.Created, id * 10));
        return run;
    }

    /// <summary>An <see cref="IBus"/> that records what is published, or fails as a broker that is away would.</summary>
    public class FakeBus : DispatchProxy
    {
        public ConcurrentQueue<object> Published { get; } = new();

        public bool Away { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name != nameof(IPublishEndpoint.Publish) || args is not [{ } message, CancellationToken])
                throw new NotSupportedException($"The fake bus only publishes; {targetMethod?.Name} was called.");
            if (Away)
                return Task.FromException(new TransportUnavailableException("The broker is away (a test's outage)."));
            Published.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
