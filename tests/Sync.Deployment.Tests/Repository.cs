namespace Sync.Deployment.Tests;

/// <summary>The repository these tests were built from: the folder that holds Sync.sln, above the test's own output.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sync.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No Sync.sln above {AppContext.BaseDirectory}.");
    }
}
