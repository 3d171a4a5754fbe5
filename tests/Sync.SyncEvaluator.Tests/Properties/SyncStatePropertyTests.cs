using System.Diagnostics.Metrics;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Messaging;
using Sync.ServiceDefaults.Storage;
using Sync.SyncEvaluator.Evaluation;
using Sync.SyncEvaluator.Outbox;
using Sync.SyncEvaluator.Storage;
using Sync.SyncEvaluator.Tests.Pipeline;
using Sync.Testing;
using Xunit.Abstractions;

namespace Sync.SyncEvaluator.Tests.Properties;

/// <summary>
/// Many random interleavings of events, duplicate deliveries, redeliveries after a crash, lost publishes, Redis lost right after
/// a script, messages moved back from the error queue, relay passes and sync completions (in any order, stale ones too) for a
/// few prospects, run through the evaluator's own classes against the real Redis scripts, with leases of a few milliseconds so
/// that they run out all the time. Every step is held to the pure state machine; across the run no second sync is published
/// while one is outstanding; and once the broker redelivers what was never acknowledged (but nobody touches the error queue)
/// and the worker completes what it is sent, every change that needed a sync has had one.
/// </summary>
public sealed class SyncStatePropertyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly SyncStateSettings Settings = new()
    {
        MaxClockSkew = TimeSpan.FromMinutes(5),
        PublishGrace = TimeSpan.FromMilliseconds(3),
        Lease = TimeSpan.FromMilliseconds(4),
        MaxLease = TimeSpan.FromMilliseconds(16),
        DecisionsKept = 50,
        DedupeWindow = TimeSpan.FromDays(1),
    };

    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    private static readonly TimeSpan[] DateShifts =
        [TimeSpan.FromHours(-2), TimeSpan.FromSeconds(-1), TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)];

    private static readonly SyncRule[] Rules =
    [
        SyncRules.FormSubmission, SyncRules.TrackedPageView, SyncRules.ProspectFieldChange, SyncRules.CrmFieldChange, SyncRules.Unsubscribe,
        SyncRules.EmailOpen, SyncRules.CrmAccountChange, SyncRules.SyncOwnWrite, SyncRules.DoNotSyncSet, SyncRules.DoNotSyncCleared,
        SyncRules.Import, SyncRules.OperatorForcedSync, SyncRules.ProspectCreated, SyncRules.CrmOwnerChange,
        // An automation rule's actions, combined into one change named after Do Not Sync, that also changed a field.
        SyncRules.DoNotSyncSet, SyncRules.DoNotSyncCleared,
    ];

    /// <summary>Rules from this index on are Do Not Sync changes that also changed other fields.</summary>
    private const int FirstCombinedRule = 14;

    /// <summary>
    /// The few stamps a run uses, so that joins and completions' reads often meet: revisions 0 (none) to 4, and CRM
    /// LastModifiedDates this many milliseconds after the run's start (the stamp's index; none for the first).
    /// </summary>
    private const int Stamps = 5;

    /// <summary>How long draining one run may take: leases of a few milliseconds run out many times over in it.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(10);

    private static long _nextProspect = Random.Shared.NextInt64(1, 1_000_000_000);
    private static int _nextRun;

    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync() => _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("evaluator-property");

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private enum Delivery
    {
        /// <summary>Decided and published.</summary>
        Delivered,

        /// <summary>The broker did not confirm the SyncRequested; after its retries the message went to the error queue.</summary>
        PublishLost,

        /// <summary>The evaluator stopped right after the script: nothing published, the message not acknowledged.</summary>
        CrashedAfterScript,

        /// <summary>
        /// Redis went away right after the script and stayed away longer than the consumer's retries: nothing published, the
        /// message in the error queue.
        /// </summary>
        StoreLostAfterScript,
    }

    private abstract record Step;

    private sealed record Deliver(int Prospect, int Rule, int DateShift, int Revision, Delivery How) : Step;

    /// <summary>The broker hands an earlier message to the evaluator again (after a crash or a lost connection).</summary>
    private sealed record Redeliver(int Pick) : Step;

    /// <summary>An upstream published the same event a second time.</summary>
    private sealed record PublishedAgain(int Pick) : Step;

    /// <summary>An operator moves a message back from the error queue: it arrives as a first delivery.</summary>
    private sealed record MovedBackFromErrorQueue(int Pick) : Step;

    /// <summary>
    /// The worker reports one of the requests it received (the latest or a stale one), however it ended, with what it read:
    /// the prospect's revision and the CRM record's LastModifiedDate, each a stamp index or -1 for none said.
    /// </summary>
    private sealed record Complete(int Pick, SyncOutcome Outcome, int RevisionRead, int CrmRead) : Step;

    private sealed record RelayPass(bool PublishLost) : Step;

    private sealed record Wait(int Milliseconds) : Step;

    private static readonly Gen<SyncOutcome> Outcomes = Gen.Frequency(
        (6, Gen.Const(SyncOutcome.Synced)), (1, Gen.Const(SyncOutcome.SkippedDoNotSync)),
        (1, Gen.Const(SyncOutcome.Failed)), (1, Gen.Const(SyncOutcome.CrmRecordDeleted)));

    private static readonly Gen<Step> Steps = Gen.Frequency(
        (10, Gen.Select(Gen.Int[0, 2], Gen.Int[0, Rules.Length - 1], Gen.Int[0, DateShifts.Length - 1], Gen.Int[0, 4],
                Gen.Frequency((6, Gen.Const(Delivery.Delivered)), (1, Gen.Const(Delivery.PublishLost)), (1, Gen.Const(Delivery.CrashedAfterScript)),
                    (1, Gen.Const(Delivery.StoreLostAfterScript))))
            .Select((prospect, rule, shift, revision, how) => (Step)new Deliver(prospect, rule, shift, revision, how))),
        (2, Gen.Int[0, 1000].Select(pick => (Step)new Redeliver(pick))),
        (2, Gen.Int[0, 1000].Select(pick => (Step)new PublishedAgain(pick))),
        (1, Gen.Int[0, 1000].Select(pick => (Step)new MovedBackFromErrorQueue(pick))),
        (6, Gen.Select(Gen.Int[0, 1000], Outcomes, Gen.Int[-1, Stamps - 1], Gen.Int[-1, Stamps - 1])
            .Select((pick, outcome, revisionRead, crmRead) => (Step)new Complete(pick, outcome, revisionRead, crmRead))),
        (3, Gen.Bool.Select(lost => (Step)new RelayPass(lost))),
        (2, Gen.Int[1, 6].Select(milliseconds => (Step)new Wait(milliseconds))));

    [Fact]
    public async Task NoNeededSyncIsLostAndNoSecondSyncIsPublishedWhileOneIsOutstanding()
    {
        var runs = 0;
        var compared = 0;
        await Steps.Array[5, 40].SampleAsync(async steps =>
        {
            var world = new World(StoreForOneRun(), _redis.Database);
            foreach (var step in steps)
                await world.Do(step);
            await world.DrainAndCheckNothingWasLost();
            Interlocked.Increment(ref runs);
            Interlocked.Add(ref compared, world.Store.StepsCompared);
        }, iter: 250, threads: 2);

        output.WriteLine($"{runs} runs, {compared} steps held to the pure state machine");
    }

    private RedisSyncStateStore StoreForOneRun()
    {
        // Each run has a key prefix (and so an outstanding-syncs schedule) of its own under the fixture's.
        var prefix = $"{_redis.Prefix}:run{Interlocked.Increment(ref _nextRun)}";
        return new RedisSyncStateStore(_redis.Server.Connection,
            Options.Create(new RedisOptions { ConnectionString = _redis.Server.ConnectionString, KeyPrefix = prefix }), Options.Create(Settings));
    }

    /// <summary>The evaluator's own classes around one store, a broker that records (or loses) what it is given, and a worker.</summary>
    private sealed class World
    {
        private readonly long[] _prospects = [NextProspect(), NextProspect(), NextProspect()];
        private readonly DateTimeOffset _started = SyncStateMachine.ToMilliseconds(DateTimeOffset.UtcNow);
        private readonly List<IReadOnlyList<SyncChange>> _messages = [];
        private readonly HashSet<int> _unacknowledged = [];
        private readonly List<int> _errorQueue = [];
        private readonly SimulatedBroker _broker = new();
        private readonly FailingSyncStateStore _failing = new();
        private readonly ChangeEvaluator _evaluator;
        private readonly SyncRequestRelay _relay;
        private readonly IDatabase _redis;
        private readonly RedisKey _schedule;

        public World(RedisSyncStateStore redis, IDatabase database)
        {
            _redis = database;
            _schedule = redis.ScheduleKey;
            Store = new DifferentialSyncStateStore(redis, Settings);
            var store = _failing.Around(Store);
            var telemetry = new EvaluatorTelemetry(Meters, NullLogger<EvaluatorTelemetry>.Instance);
            var dispatcher = new SyncRequestDispatcher(store, _broker, telemetry);
            _evaluator = new ChangeEvaluator(store, dispatcher, telemetry, TimeProvider.System);
            _relay = new SyncRequestRelay(store, dispatcher, telemetry, Options.Create(Settings), TimeProvider.System, NullLogger<SyncRequestRelay>.Instance);
        }

        public DifferentialSyncStateStore Store { get; }

        private static long NextProspect() => Interlocked.Increment(ref _nextProspect);

        private DateTimeOffset CrmStamp(int index) => _started.AddMilliseconds(index);

        public async Task Do(Step step)
        {
            switch (step)
            {
                case Deliver deliver:
                    _messages.Add(Message(deliver));
                    await Evaluate(_messages.Count - 1, deliveredBefore: false, deliver.How);
                    break;
                case Redeliver redeliver when _messages.Count > 0:
                    await Evaluate(redeliver.Pick % _messages.Count, deliveredBefore: true, Delivery.Delivered);
                    break;
                case PublishedAgain again when _messages.Count > 0:
                    // A message of its own, with the same event: acknowledging it acknowledges no other copy.
                    _messages.Add(_messages[again.Pick % _messages.Count]);
                    await Evaluate(_messages.Count - 1, deliveredBefore: false, Delivery.Delivered);
                    break;
                case MovedBackFromErrorQueue moved when _errorQueue.Count > 0:
                    var index = _errorQueue[moved.Pick % _errorQueue.Count];
                    _errorQueue.Remove(index);
                    await Evaluate(index, deliveredBefore: false, Delivery.Delivered);
                    break;
                case Complete complete when _broker.Received.Count > 0:
                    await Report(_broker.Received[complete.Pick % _broker.Received.Count], complete.Outcome,
                        complete.RevisionRead < 0 ? null : complete.RevisionRead, complete.CrmRead < 0 ? null : CrmStamp(complete.CrmRead));
                    break;
                case RelayPass pass:
                    _broker.LoseNext = pass.PublishLost;
                    await _relay.RelayDue(CancellationToken.None);
                    _broker.LoseNext = false;
                    break;
                case Wait wait:
                    await Task.Delay(wait.Milliseconds);
                    break;
            }
        }

        /// <summary>
        /// The broker redelivers every message never acknowledged; the error queue stays as it is; leases run out and the relay
        /// issues what is due; the worker completes the latest request of each outstanding sync. Then no prospect may hold a change
        /// that needed a sync and never had one.
        /// </summary>
        public async Task DrainAndCheckNothingWasLost()
        {
            foreach (var index in _unacknowledged.ToList())
                await Evaluate(index, deliveredBefore: true, Delivery.Delivered);
            Assert.Empty(_unacknowledged);

            var deadline = DateTimeOffset.UtcNow + DrainLimit;
            while (_prospects.Any(prospect => Store.StateOf(prospect).Outstanding is not null))
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "outstanding syncs did not settle: " + string.Join("; ", _prospects.Select(p => Store.StateOf(p))));
                // The worker completes what reached it; what never did, the relay issues again once its time runs out.
                var completed = false;
                foreach (var prospect in _prospects)
                {
                    if (Store.StateOf(prospect).Outstanding is { } outstanding
                        && _broker.Received.LastOrDefault(request => request.SyncId == outstanding.SyncId) is { } latest)
                    {
                        await Report(latest, SyncOutcome.Synced);
                        completed = true;
                    }
                }
                if (!completed)
                    await RelayOnceSomethingIsDue(deadline);
            }

            foreach (var prospect in _prospects)
            {
                var state = Store.StateOf(prospect);
                Assert.True(state.DoNotSync || state.Version == state.SettledVersion,
                    $"prospect {prospect} has changes up to version {state.Version} that no sync covered (settled {state.SettledVersion}): {state}");
            }

            // Nothing outstanding: as each prospect's look comes due, the relay takes it off its schedule.
            while (await _redis.SortedSetLengthAsync(_schedule) > 0)
                await RelayOnceSomethingIsDue(deadline);
        }

        /// <summary>
        /// Polls the schedule until a look is due, then runs the relay. An outstanding sync with no look on the schedule would
        /// never come due: the deadline names it.
        /// </summary>
        private async Task RelayOnceSomethingIsDue(DateTimeOffset deadline)
        {
            while ((await Store.Due(1, CancellationToken.None)).Prospects.Count == 0)
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, "nothing came due on the relay's schedule though the state holds: "
                    + string.Join("; ", _prospects.Select(p => Store.StateOf(p))));
                await Task.Delay(1);
            }
            await _relay.RelayDue(CancellationToken.None);
        }

        private async Task Evaluate(int index, bool deliveredBefore, Delivery how)
        {
            var changes = _messages[index];
            _broker.LoseNext = how == Delivery.PublishLost;
            if (how is Delivery.CrashedAfterScript or Delivery.StoreLostAfterScript)
                _failing.FailAfterNextApply(changes[0].ProspectId);
            try
            {
                await _evaluator.Evaluate(changes, deliveredBefore, CancellationToken.None);
                _unacknowledged.Remove(index);
            }
            catch (RedisConnectionException) when (how == Delivery.CrashedAfterScript)
            {
                // The process is gone with the message unacknowledged: the broker hands it out again later.
                _unacknowledged.Add(index);
            }
            catch (Exception exception) when (exception is BrokerUnavailableException or RedisConnectionException)
            {
                // Retries exhausted: the message is in the error queue, acknowledged; the relay has to make up for it.
                _unacknowledged.Remove(index);
                _errorQueue.Add(index);
            }
            finally
            {
                _broker.LoseNext = false;
            }
        }

        private async Task Report(SyncRequested request, SyncOutcome outcome, long? revisionRead = null, DateTimeOffset? crmRead = null)
        {
            var completion = ChangeClassifier.Classify(Events.Completed(request, outcome) with
            {
                CrmLastModifiedDate = outcome == SyncOutcome.Synced ? DateTimeOffset.UtcNow : null,
                ProspectRevisionRead = revisionRead,
                CrmLastModifiedDateRead = crmRead,
            });
            // Reported before it is applied: the step that applies it may publish the next sync at once.
            _broker.Completed(request.SyncId);
            await _evaluator.Evaluate([completion], deliveredBefore: false, CancellationToken.None);
        }

        private IReadOnlyList<SyncChange> Message(Deliver deliver)
        {
            var rule = Rules[deliver.Rule];
            var prospect = _prospects[deliver.Prospect];
            var date = DateTimeOffset.UtcNow + DateShifts[deliver.DateShift];
            if (rule == SyncRules.Import)
                return ChangeClassifier.Classify(new ProspectsImported
                {
                    EventId = Guid.NewGuid(), ImportId = Guid.NewGuid(), OccurredAt = date, ProspectIds = [prospect, _prospects[(deliver.Prospect + 1) % 3]],
                    Revisions = [deliver.Revision, (deliver.Revision + 2) % Stamps],
                }).ToList();
            var crmStamped = rule.Coverage == SyncCoverage.CrmLastModified && deliver.Revision > 0;
            return
            [
                new SyncChange
                {
                    EventId = Guid.NewGuid(),
                    ProspectId = prospect,
                    EventType = "PropertyTest",
                    Rule = rule,
                    ReportedDate = crmStamped ? CrmStamp(deliver.Revision) : date,
                    // The one stamp index is a revision (0: none) for the marketing side, a LastModifiedDate for the CRM's.
                    Revision = rule.Coverage == SyncCoverage.CrmLastModified ? 0 : deliver.Revision,
                    CrmLastModifiedDate = crmStamped ? CrmStamp(deliver.Revision) : null,
                    AlsoTriggers = deliver.Rule >= FirstCombinedRule ? SyncRules.AutomationRuleChange : null,
                },
            ];
        }
    }

    /// <summary>
    /// Receives SyncRequested as the sync-worker queue would, and checks on every one that no new sync is published for a prospect
    /// while an earlier one was never completed, and that the same sync is issued again only under a higher issue number.
    /// </summary>
    private sealed class SimulatedBroker : ISyncRequestPublisher
    {
        private readonly Dictionary<long, SyncRequested> _latest = [];
        private readonly HashSet<Guid> _completed = [];

        public List<SyncRequested> Received { get; } = [];

        public bool LoseNext { get; set; }

        public void Completed(Guid syncId)
        {
            lock (_completed)
                _completed.Add(syncId);
        }

        public Task Publish(IReadOnlyList<SyncRequested> requests, CancellationToken cancellationToken)
        {
            if (LoseNext)
            {
                LoseNext = false;
                throw new BrokerUnavailableException(nameof(SyncRequested), new TimeoutException("The simulated broker lost the publish."));
            }
            lock (_latest)
            {
                foreach (var request in requests)
                {
                    if (_latest.TryGetValue(request.ProspectId, out var previous))
                    {
                        if (previous.SyncId != request.SyncId)
                            Assert.True(_completed.Contains(previous.SyncId),
                                $"sync {request.SyncId} was published for prospect {request.ProspectId} while sync {previous.SyncId} was outstanding");
                        else if (previous.EventId != request.EventId)
                            Assert.True(request.Issue > previous.Issue,
                                $"sync {request.SyncId} was published again as issue {request.Issue} after issue {previous.Issue}");
                    }
                    _latest[request.ProspectId] = request;
                    Received.Add(request);
                }
            }
            return Task.CompletedTask;
        }
    }
}
