using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Sync.Contracts;
using Sync.ProspectEditor.Automation;
using Sync.ProspectEditor.Configuration;
using Sync.ProspectEditor.Imports;
using Sync.ProspectEditor.Storage;
using Sync.Testing;

namespace Sync.ProspectEditor.Tests;

/// <summary>What every import store promises; run against Redis and against the in-memory store of the embedded host.</summary>
public abstract class ImportStoreContract
{
    protected static readonly TimeSpan ReportsKeptFor = TimeSpan.FromSeconds(3);

    protected static IOptions<ImportOptions> Options { get; } = Microsoft.Extensions.Options.Options.Create(new ImportOptions { ReportsKeptFor = ReportsKeptFor });

    protected IImportStore Store { get; set; } = null!;

    /// <summary>Lets <paramref name="time"/> pass for the store: by the TTLs of its Redis keys, or by the in-memory store's TimeProvider.</summary>
    protected abstract Task Pass(TimeSpan time);

    [Fact]
    public async Task AReportReadsBackAsLastSaved()
    {
        var running = Report(ImportStatus.Running);
        await Store.SaveReport(running, CancellationToken.None);
        var completed = running with { Status = ImportStatus.Completed, Rows = 3, Errors = [new ImportRowError(2, "email", "Not an address.")] };

        await Store.SaveReport(completed, CancellationToken.None);

        Assert.Equal(Json(completed), Json(await Store.GetReport(completed.ImportId, CancellationToken.None)));
        Assert.Null(await Store.GetReport(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task AReportIsForgottenOnceKeptForTheRetentionAndASaveKeepsItAgain()
    {
        var forgotten = Report(ImportStatus.Completed);
        var saved = Report(ImportStatus.Running);
        await Store.SaveReport(forgotten, CancellationToken.None);
        await Store.SaveReport(saved, CancellationToken.None);
        await Pass(ReportsKeptFor * 0.6);
        await Store.SaveReport(saved with { Status = ImportStatus.Completed }, CancellationToken.None);

        await Pass(ReportsKeptFor * 0.6);

        Assert.Null(await Store.GetReport(forgotten.ImportId, CancellationToken.None));
        Assert.Equal(ImportStatus.Completed, (await Store.GetReport(saved.ImportId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task AStagedPartIsListedUntilUnstaged()
    {
        var parts = Enumerable.Range(1, 3).Select(id => new ProspectsImported
        {
            EventId = Guid.NewGuid(), ImportId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, ProspectIds = [id, id + 10],
        }).ToList();
        foreach (var part in parts)
            await Store.Stage(part, CancellationToken.None);

        Assert.Equal(3, await Store.StagedCount(CancellationToken.None));
        Assert.Equal(2, (await Store.Staged(2, CancellationToken.None)).Count);
        Assert.Equal(parts.Select(Json).Order(), (await Store.Staged(10, CancellationToken.None)).Select(Json).Order());
        await Store.Unstage(parts[1].EventId, CancellationToken.None);
        Assert.Equal(new[] { parts[0].EventId, parts[2].EventId }.Order(), (await Store.Staged(10, CancellationToken.None)).Select(part => part.EventId).Order());
        Assert.Equal(2, await Store.StagedCount(CancellationToken.None));
    }

    private static ImportReport Report(ImportStatus status) => new() { ImportId = Guid.NewGuid(), Status = status, StartedAt = DateTimeOffset.UtcNow, Columns = ["email"] };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}

/// <summary>What every custom-field store promises; run against Redis and in memory.</summary>
public abstract class CustomFieldStoreContract
{
    protected ICustomFieldStore Store { get; set; } = null!;

    [Fact]
    public async Task ANameIsTakenOnceHoweverItIsWritten()
    {
        var name = $"lead{Guid.NewGuid():N}"[..16];

        Assert.True(await Store.TryAdd(new CustomField(name, "Lead", DateTimeOffset.UtcNow), CancellationToken.None));
        Assert.False(await Store.TryAdd(new CustomField(name.ToUpperInvariant(), null, DateTimeOffset.UtcNow), CancellationToken.None));

        var stored = Assert.Single(await Store.All(CancellationToken.None), field => field.Name == name);
        Assert.Equal("Lead", stored.Label);
    }

    [Fact]
    public async Task AllListsTheFieldsOldestFirst()
    {
        var start = DateTimeOffset.UtcNow;
        var names = Enumerable.Range(0, 3).Select(index => $"f{index}{Guid.NewGuid():N}"[..12]).ToList();
        for (var index = names.Count - 1; index >= 0; index--)
            await Store.TryAdd(new CustomField(names[index], null, start.AddSeconds(index)), CancellationToken.None);

        Assert.Equal(names, (await Store.All(CancellationToken.None)).Select(field => field.Name).Where(names.Contains));
    }
}

/// <summary>What every automation-rule store promises; run against Redis and in memory.</summary>
public abstract class AutomationRuleStoreContract
{
    protected IAutomationRuleStore Store { get; set; } = null!;

    [Fact]
    public async Task EachRuleGetsTheNextIdAndReadsBackAsStored()
    {
        var first = await Store.Add(Rule("first"), CancellationToken.None);
        var second = await Store.Add(Rule("second"), CancellationToken.None);

        Assert.True(first.Id > 0);
        Assert.Equal(first.Id + 1, second.Id);
        Assert.Equal(JsonSerializer.Serialize(second), JsonSerializer.Serialize(await Store.Get(second.Id, CancellationToken.None)));
        Assert.Null(await Store.Get(second.Id + 1000, CancellationToken.None));
        Assert.Equal([first.Id, second.Id], (await Store.All(CancellationToken.None)).Select(rule => rule.Id));
    }

    private static AutomationRule Rule(string name) => new()
    {
        Name = name,
        Match = RuleMatch.Any,
        Criteria = [new RuleCriterion("company", CriterionOperator.Equals, "Acme"), new RuleCriterion("city", CriterionOperator.IsEmpty, null)],
        Actions = [new RuleAction(RuleActionType.SetField, "title", "Customer"), new RuleAction(RuleActionType.SetDoNotSync)],
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
    };
}

public sealed class RedisImportStoreTests : ImportStoreContract, IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("import-store");
        Store = new RedisImportStore(server.Connection, _redis.Options, Options);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    // Redis expires keys by its own clock, which a test cannot move: the keys' TTLs, which the store set, are aged instead.
    protected override Task Pass(TimeSpan time) => _redis.Age(time);
}

[FastLane]
public sealed class InMemoryImportStoreTests : ImportStoreContract
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public InMemoryImportStoreTests() => Store = new InMemoryImportStore(Options, _clock);

    protected override Task Pass(TimeSpan time)
    {
        _clock.Advance(time);
        return Task.CompletedTask;
    }
}

public sealed class RedisCustomFieldStoreTests : CustomFieldStoreContract, IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("custom-field-store");
        Store = new RedisCustomFieldStore(server.Connection, _redis.Options);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();
}

[FastLane]
public sealed class InMemoryCustomFieldStoreTests : CustomFieldStoreContract
{
    public InMemoryCustomFieldStoreTests() => Store = new InMemoryCustomFieldStore();
}

public sealed class RedisAutomationRuleStoreTests : AutomationRuleStoreContract, IAsyncLifetime
{
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        var server = await RedisTestServer.Shared();
        _redis = server.CreateKeyPrefix("automation-rule-store");
        Store = new RedisAutomationRuleStore(server.Connection, _redis.Options);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();
}

[FastLane]
public sealed class InMemoryAutomationRuleStoreTests : AutomationRuleStoreContract
{
    public InMemoryAutomationRuleStoreTests() => Store = new InMemoryAutomationRuleStore();
}
