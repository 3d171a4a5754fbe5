namespace Sync.ServiceDefaults.Storage;

/// <summary>
/// A Redis Lua script kept next to the store that runs it and embedded in the store's assembly (every project embeds its
/// *.lua files). StackExchange.Redis loads it once and runs it by hash (EVALSHA) after that.
/// </summary>
public static class EmbeddedLuaScript
{
    /// <param name="path">The script's path relative to <typeparamref name="TStore"/>'s folder, such as "write-prospect.lua" or "Lua/prelude.lua".</param>
    public static string Load<TStore>(string path)
    {
        var assembly = typeof(TStore).Assembly;
        var resource = $"{typeof(TStore).Namespace}.{path.Replace('/', '.')}";
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The Lua script {resource} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
