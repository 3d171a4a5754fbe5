namespace Sync.CrmChangeListener.Storage;

internal static class EmbeddedScript
{
    /// <summary>A Lua script kept next to the store that runs it, embedded in the assembly.</summary>
    public static string Load(string fileName)
    {
        using var stream = typeof(EmbeddedScript).Assembly.GetManifestResourceStream($"Sync.CrmChangeListener.Storage.{fileName}")
            ?? throw new InvalidOperationException($"The Lua script {fileName} is not embedded in {typeof(EmbeddedScript).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
