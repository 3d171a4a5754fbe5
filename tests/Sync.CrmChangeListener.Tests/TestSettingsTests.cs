using Microsoft.Extensions.Configuration;
using Sync.Testing;

namespace Sync.CrmChangeListener.Tests;

/// <summary>The listener's test host has defaults (poll interval, retry delays) that a test must be able to override.</summary>
[FastLane]
public sealed class TestSettingsTests
{
    [Fact]
    public void ALaterSourceOverridesAnEarlierOneWithoutRegardToCase()
    {
        var defaults = new Dictionary<string, string?> { ["CrmFeed:PollInterval"] = "00:00:00.050", ["CrmFeed:BatchSize"] = "200" };
        var overrides = new Dictionary<string, string?> { ["crmfeed:pollinterval"] = "00:00:01" };

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestSettings.Combine(defaults, overrides)).Build();

        Assert.Equal("00:00:01", configuration["CrmFeed:PollInterval"]);
        Assert.Equal("200", configuration["CrmFeed:BatchSize"]);
    }
}
