using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sync.Clients.ProspectEditor;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ProspectEditor.Tests;

/// <summary>Bad input to prospect-editor is a 4xx problem naming what is wrong, with nothing of it applied and no error logged.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly LoggedErrors _errors = new();
    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;
    private TestServiceHost _editor = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("editor-bad-input");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
        _editor = await ProspectEditorFixture.StartEditor(_broker, _redis, replaceServices: services => services.AddSingleton<ILoggerProvider>(_errors));
    }

    public async Task DisposeAsync()
    {
        await _editor.DisposeAsync();
        await _lane.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(BadInput.JsonClasses), MemberType = typeof(BadInput))]
    public async Task MalformedAssignmentIsRefusedAndTheProspectKeepsItsUser(string badClass)
    {
        var prospect = await AssignedProspect();
        var (content, status, detail) = BadInput.JsonBody(badClass, "assignedUser", "\"005-intruder\"");

        using var response = await _editor.Http.PutAsync($"prospects/{prospect.Id}/assigned-user", content);

        await BadInput.AssertProblem(response, status, detail);
        await AssertUnchanged(prospect);
    }

    [Fact]
    public async Task AssignmentWithoutAssignedUserIsRefusedNotReadAsUnassign()
    {
        var prospect = await AssignedProspect();

        using var response = await _editor.Http.PutAsync($"prospects/{prospect.Id}/assigned-user", BadInput.Json("""{"origin":"User","changedBy":"ops"}"""));

        await BadInput.AssertProblem(response, StatusCodes.Status400BadRequest, "'assignedUser'");
        await AssertUnchanged(prospect);
    }

    [Fact]
    public async Task AssignmentToNullStillUnassigns()
    {
        var prospect = await AssignedProspect();

        using var response = await _editor.Http.PutAsync($"prospects/{prospect.Id}/assigned-user", BadInput.Json("""{"assignedUser":null}"""));

        response.EnsureSuccessStatusCode();
        Assert.Null((await Read(prospect.Id)).AssignedUser);
    }

    [Fact]
    public async Task CreateWithoutTheKeyIs401EvenWithACharsetItCannotName()
    {
        using var anonymous = new HttpClient { BaseAddress = _editor.Address };

        using var response = await anonymous.PostAsync("prospects", BadInput.Json("""{"email":"a@example.com"}""", "application/json; charset=bogus"));

        await BadInput.AssertProblem(response, StatusCodes.Status401Unauthorized, "X-Api-Key");
        Assert.Empty(_errors.Entries);
    }

    private async Task<ProspectDto> AssignedProspect()
    {
        using var created = await _editor.Http.PostAsJsonAsync("prospects", new { email = ProspectEditorFixture.UniqueEmail("bad-input"), assignedUser = "005-owner" });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<ProspectDto>())!;
    }

    private async Task<ProspectDto> Read(long prospectId) => (await _editor.Http.GetFromJsonAsync<ProspectDto>($"prospects/{prospectId}"))!;

    private async Task AssertUnchanged(ProspectDto before)
    {
        var after = await Read(before.Id);
        Assert.Equal("005-owner", after.AssignedUser);
        Assert.Equal(before.Revision, after.Revision);
        Assert.Empty(_errors.Entries);
    }
}
