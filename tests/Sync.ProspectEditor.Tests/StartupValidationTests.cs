using Sync.ProspectEditor.Tests.Support;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ProspectEditor.Tests;

/// <summary>A bad setting stops prospect-editor at start with a message naming its key, not at the first request.</summary>
[FastLane]
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Import:ReportsKeptFor", "00:00:00")]
    [InlineData("Import:ReportsKeptFor", "-30.00:00:00")]
    public async Task ABadSettingFailsStartNamingItsKey(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestHostBuilder.For(EditorHost.Recipe, TestLane.InMemory())
            .WithSettings(TestSettings.Combine(ProspectEditorFixture.FastRelay, new Dictionary<string, string?> { [key] = value }))
            .Start());

        Assert.Contains(key, error.Message);
    }
}
