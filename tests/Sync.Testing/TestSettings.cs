namespace Sync.Testing;

/// <summary>Combines configuration sources for a hosted service (see Hosting.TestHostBuilder).</summary>
public static class TestSettings
{
    /// <summary>One set of settings; where sources name the same key (without regard to case, as configuration reads keys), the later one wins.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Combine(params IEnumerable<KeyValuePair<string, string?>>[] sources)
    {
        var combined = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in sources.SelectMany(source => source))
            combined[key] = value;
        return combined;
    }

    public static IReadOnlyDictionary<string, string?> Embedded { get; } = new Dictionary<string, string?> { ["Sync:Mode"] = "Embedded" };
}
