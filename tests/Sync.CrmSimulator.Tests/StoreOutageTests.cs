using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Sync.CrmSimulator.Storage.Records;
using Sync.CrmSimulator.Tests.Support;
using Sync.Testing;

namespace Sync.CrmSimulator.Tests;

/// <summary>
/// When Redis goes away mid-request the CRM answers 503 with Retry-After, and says honestly what may have been saved: a
/// caller that retries a write blindly could create a record twice.
/// </summary>
public sealed class StoreOutageTests(StoreOutageTests.Fixture fixture) : IClassFixture<StoreOutageTests.Fixture>, IAsyncLifetime
{
    private SimulatorHost Crm => fixture.Crm;

    public Task InitializeAsync()
    {
        fixture.Store.Restore();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        fixture.Store.Restore();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ACompositeInterruptedByTheStoreSaysWhichSubrequestsAreSavedAndWhichNeverRan()
    {
        var email = SimulatorHost.NewEmail("interrupted");
        fixture.Store.FailCommitsAfter(1);

        using var response = await Crm.Sales.PostAsJsonAsync("composite", new
        {
            compositeRequest = new object[]
            {
                new { method = "POST", url = $"/{SimulatorHost.Api}sobjects/Lead", referenceId = "created", body = new { LastName = "Saved", Company = "C", Email = email } },
                new { method = "PATCH", url = $"/{SimulatorHost.Api}sobjects/Lead/@{{created.id}}", referenceId = "renamed", body = new { Title = "Lost or saved" } },
                new { method = "GET", url = $"/{SimulatorHost.Api}sobjects/Lead/@{{created.id}}", referenceId = "reread" },
            },
        });

        var message = await StoreUnavailableMessage(response);
        Assert.Contains("during subrequest 'renamed' (2 of 3)", message, StringComparison.Ordinal);
        Assert.Contains("('created') are committed and stay saved", message, StringComparison.Ordinal);
        Assert.Contains("'renamed' was saved entirely or not at all", message, StringComparison.Ordinal);
        Assert.Contains("after it did not run", message, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was changed", message, StringComparison.OrdinalIgnoreCase);
        fixture.Store.Restore();
        Assert.Equal(1, (await Crm.Query($"SELECT Id FROM Lead WHERE Email = '{email}'")).GetProperty("totalSize").GetInt32());
    }

    [Fact]
    public async Task ACompositeOfReadsInterruptedByTheStoreChangedNothing()
    {
        var leadId = await Crm.CreateLead("Read", SimulatorHost.NewEmail());
        fixture.Store.FailReads();

        using var response = await Crm.Sales.PostAsJsonAsync("composite", new
        {
            compositeRequest = new object[]
            {
                new { method = "GET", url = $"/{SimulatorHost.Api}sobjects/Lead/{leadId}", referenceId = "read" },
            },
        });

        var message = await StoreUnavailableMessage(response);
        Assert.Contains("Nothing was changed", message, StringComparison.Ordinal);
        Assert.DoesNotContain("saved", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriteInterruptedByTheStoreIsSavedEntirelyOrNotAtAllNotReportedAsUnchanged()
    {
        fixture.Store.FailCommitsAfter(0);

        using var response = await Crm.Sales.PostAsJsonAsync("sobjects/Lead", new { LastName = "Unsure", Company = "C", Email = SimulatorHost.NewEmail() });

        var message = await StoreUnavailableMessage(response);
        Assert.Contains("saved entirely or not at all", message, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was changed", message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AReadInterruptedByTheStoreChangedNothing()
    {
        var leadId = await Crm.CreateLead("Read", SimulatorHost.NewEmail());
        fixture.Store.FailReads();

        using var response = await Crm.Sales.GetAsync($"sobjects/Lead/{leadId}");

        Assert.Contains("nothing was changed", await StoreUnavailableMessage(response), StringComparison.Ordinal);
    }

    private static async Task<string> StoreUnavailableMessage(HttpResponseMessage response)
    {
        var error = await SObjectApiTests.SingleError(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("SERVER_UNAVAILABLE", error.GetProperty("errorCode").GetString());
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        return error.GetProperty("message").GetString()!;
    }

    /// <summary>A simulator whose record store (the real Redis one) loses its connection on demand.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private IsolatedKeyPrefix _redis = null!;

        public SimulatorHost Crm { get; private set; } = null!;

        public StoreThatGoesAway Store { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _redis = (await RedisTestServer.Shared()).CreateKeyPrefix("crm-store-outage");
            Crm = await SimulatorHost.Start(_redis.Settings, services => services.AddSingleton<ICrmRecordStore>(provider =>
                new StoreThatGoesAway(ActivatorUtilities.CreateInstance<RedisCrmRecordStore>(provider))));
            Store = (StoreThatGoesAway)Crm.Host.Service<ICrmRecordStore>();
        }

        public async Task DisposeAsync()
        {
            await Crm.DisposeAsync();
            await _redis.DisposeAsync();
        }
    }

    public sealed class StoreThatGoesAway(ICrmRecordStore inner) : ICrmRecordStore
    {
        private int _commitsLeft = int.MaxValue;
        private volatile bool _readsFail;

        /// <summary>Lets <paramref name="commits"/> more commits through, then fails every one, as a Redis connection that drops.</summary>
        public void FailCommitsAfter(int commits) => Volatile.Write(ref _commitsLeft, commits);

        public void FailReads() => _readsFail = true;

        public void Restore()
        {
            Volatile.Write(ref _commitsLeft, int.MaxValue);
            _readsFail = false;
        }

        public Task<StoredRecord?> Get(string type, string id, CancellationToken cancellationToken) => Read(() => inner.Get(type, id, cancellationToken));

        public Task<IReadOnlyList<StoredRecord>> GetMany(string type, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
            Read(() => inner.GetMany(type, ids, cancellationToken));

        public Task<IReadOnlyList<string>> FindIds(string type, string field, IReadOnlyCollection<string> values, CancellationToken cancellationToken) =>
            Read(() => inner.FindIds(type, field, values, cancellationToken));

        public Task<IReadOnlyList<string>> AllIds(string type, CancellationToken cancellationToken) => Read(() => inner.AllIds(type, cancellationToken));

        public Task<long> ReserveSequence(string type, int count, CancellationToken cancellationToken) => inner.ReserveSequence(type, count, cancellationToken);

        public Task<CommitResult> Commit(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref _commitsLeft) < 0 ? throw Lost() : inner.Commit(writes, cancellationToken);

        public Task<FeedPage> ReadFeed(long afterPosition, int limit, CancellationToken cancellationToken) => Read(() => inner.ReadFeed(afterPosition, limit, cancellationToken));

        private Task<T> Read<T>(Func<Task<T>> read) => _readsFail ? throw Lost() : read();

        private static RedisConnectionException Lost() => new(ConnectionFailureType.SocketFailure, CommandFlags.None, "The connection to Redis was lost (simulated).", null, CommandStatus.Unknown);
    }
}
