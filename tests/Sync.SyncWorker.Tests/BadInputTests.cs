using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.Testing;

namespace Sync.SyncWorker.Tests;

/// <summary>Bad input to the worker's controls is a 4xx problem naming what is wrong: the worker is not paused by it, and logs no error.</summary>
public abstract class BadInputTests(WorkerLane lane) : IAsyncLifetime
{
    private readonly LoggedErrors _errors = new();
    private WorkerHost _worker = null!;

    public async Task InitializeAsync() =>
        _worker = await WorkerHost.Start(lane, "worker-bad-input", null, services => services.AddSingleton<ILoggerProvider>(_errors));

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Theory]
    [MemberData(nameof(BadInput.JsonClasses), MemberType = typeof(BadInput))]
    public async Task MalformedPauseIsRefusedAndTheWorkerKeepsConsuming(string badClass)
    {
        var (content, status, detail) = BadInput.JsonBody(badClass, "reason", "\"maintenance\"");

        using var response = await _worker.Api.PostAsync("sync/pause", content);

        await BadInput.AssertProblem(response, status, detail);
        await AssertNotPaused();
    }

    [Fact]
    public async Task PauseWithThreeMegabytesOfWhitespaceIs413AndTheWorkerKeepsConsuming()
    {
        using var response = await _worker.Api.PostAsync("sync/pause", BadInput.Json(new string(' ', 3 << 20)));

        await BadInput.AssertProblem(response, StatusCodes.Status413PayloadTooLarge, "bytes at most");
        await AssertNotPaused();
    }

    [Fact]
    public async Task PauseWithoutTheKeyIs401BeforeItsCharsetIsRead()
    {
        using var anonymous = new HttpClient { BaseAddress = _worker.Host.Address };

        using var response = await anonymous.PostAsync("sync/pause", BadInput.Json("""{"reason":"x"}""", "application/json; charset=bogus"));

        await BadInput.AssertProblem(response, StatusCodes.Status401Unauthorized, "X-Api-Key");
        await AssertNotPaused();
    }

    [Fact]
    public async Task SyncNowWithARepeatedMemberIsRefusedAndPublishesNothing()
    {
        using var response = await _worker.Api.PostAsync($"sync/prospects/{WorkerHost.NextProspectId()}", BadInput.Json("""{"reason":"a","reason":"b"}"""));

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, "'reason' is given twice");
        Assert.Empty(_errors.Entries);
    }

    private async Task AssertNotPaused()
    {
        var status = (await _worker.Api.GetFromJsonAsync<Apis.WorkerStatus>("sync/status", Json.Options))!;
        Assert.False(status.Paused);
        Assert.Empty(_errors.Entries);
    }
}

public sealed class BadInputTestsOnServers() : BadInputTests(WorkerLane.Servers);

[FastLane]
public sealed class BadInputTestsInMemory() : BadInputTests(WorkerLane.InMemory);
