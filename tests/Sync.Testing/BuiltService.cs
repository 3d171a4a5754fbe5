using System.Diagnostics;

namespace Sync.Testing;

/// <summary>A service of this repository as the build left it, started as a process of its own, the way a user runs it.</summary>
public static class BuiltService
{
    /// <summary>Where a service's build output is: services/&lt;directory&gt;/bin/&lt;configuration&gt;/net10.0.</summary>
    public static string OutputOf(string directory) => Path.Combine(RepositoryRoot, "services", directory, "bin", BuildConfiguration, "net10.0");

    /// <summary>
    /// How to start the service in <paramref name="directory"/> (its assembly <paramref name="assembly"/>) on
    /// <paramref name="address"/>, in the Testing environment, with <paramref name="settings"/> as the environment variables
    /// the service reads them from, and <paramref name="environment"/> (variables as they are named) on top.
    /// </summary>
    /// <param name="settings">Configuration keys ("RabbitMq:Port") and values, as a test host is given them.</param>
    /// <param name="howToBuild">What the failure says to do when the service is not built.</param>
    public static ProcessStartInfo StartInfo(
        string directory, string assembly, Uri address, IEnumerable<KeyValuePair<string, string?>> settings,
        IEnumerable<KeyValuePair<string, string>> environment, string howToBuild)
    {
        var output = OutputOf(directory);
        var dll = Path.Combine(output, assembly + ".dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{directory} is not built at {dll}; {howToBuild}.");

        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in settings)
            start.Environment[EnvironmentVariable(key)] = value ?? "";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        return start;
    }

    /// <summary>The environment variable the configuration reads a key from: "RabbitMq:Port" is RabbitMq__Port.</summary>
    public static string EnvironmentVariable(string settingKey) => settingKey.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Ends a started service's process, with whatever it started, and waits until it is gone.</summary>
    public static async Task Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    /// <summary>The folder that holds Sync.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sync.sln")))
                return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No Sync.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The configuration the test assembly was built in: the services were built in the same one.</summary>
    private static string BuildConfiguration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
}
