namespace Sync.SyncWorker.Storage;

/// <summary>The Redis scripts the stores run, kept as embedded resources next to them.</summary>
internal static class LuaScripts
{
    public static string Load(string name)
    {
        var assembly = typeof(LuaScripts).Assembly;
        using var stream = assembly.GetManifestResourceStream($"{typeof(LuaScripts).Namespace}.{name}")
            ?? throw new InvalidOperationException($"The Redis script {name} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
