using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ActivityTracker.Tests;

/// <summary>A bad setting stops activity-tracker at start with a message naming its key, not at the first request.</summary>
[FastLane]
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Tracking:VisitorActivityKeptFor", "00:00:00")]
    [InlineData("Tracking:VisitorActivityKeptFor", "-1.00:00:00")]
    [InlineData("Tracking:MaxClockAhead", "-00:05:00")]
    [InlineData("Tracking:MaxClockAhead", "30.00:00:00")]
    [InlineData("Services:ProspectEditor:Url", "prospect-editor:5102")]
    [InlineData("Services:ProspectEditor:Url", "ftp://prospect-editor/")]
    [InlineData("Services:ProspectEditor:Url", "/relative/")]
    [InlineData("Tracking:SigningKey", "only-twenty-characters")]
    public async Task ABadSettingFailsStartNamingItsKey(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestHostBuilder.For(TrackerFixture.Recipe, TestLane.InMemory())
            .WithSettings(TestSettings.Combine(TrackerFixture.Common, new Dictionary<string, string?> { [key] = value }))
            .Start());

        Assert.Contains(key, error.Message);
    }
}
