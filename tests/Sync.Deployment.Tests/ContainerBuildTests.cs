using Sync.Testing;
using YamlDotNet.RepresentationModel;

namespace Sync.Deployment.Tests;

[FastLane]
public sealed class ContainerBuildTests
{
    private static readonly string[] DockerfileLines = File.ReadAllLines(Repository.PathOf("Dockerfile"));

    /// <summary>Each service folder but the embedded host (every service in one process, not a container of the system).</summary>
    private static readonly string[] ServiceFolders = [.. Directory.GetDirectories(Repository.PathOf("services"))
        .Select(Path.GetFileName).OfType<string>().Where(folder => folder != "embedded").Order()];

    private static YamlMappingNode ComposeServices()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Repository.PathOf("docker-compose.yml")))
            yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static YamlMappingNode? BuildOf(YamlMappingNode services, string service) =>
        services.Children.TryGetValue(new YamlScalarNode(service), out var node) && ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode("build"), out var build)
            ? (YamlMappingNode)build
            : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    [Fact]
    public void EveryServiceIsBuiltByTheOneDockerfileWithItsOwnProject()
    {
        var services = ComposeServices();
        Assert.NotEmpty(ServiceFolders);
        foreach (var folder in ServiceFolders)
        {
            var build = BuildOf(services, folder);
            Assert.True(build is not null, $"docker-compose.yml builds no service {folder}.");
            Assert.Equal(".", Scalar(build, "context"));
            Assert.Equal("Dockerfile", Scalar(build, "dockerfile"));
            var args = (YamlMappingNode)build.Children[new YamlScalarNode("args")];
            var project = Scalar(args, "PROJECT");
            var expected = Directory.GetFiles(Repository.PathOf($"services/{folder}"), "*.csproj").Single();
            Assert.Equal($"services/{folder}/{Path.GetFileName(expected)}", project);
        }
    }

    [Fact]
    public void EveryServiceComposeBuildsIsAProjectOfTheRepository()
    {
        foreach (var (name, node) in ComposeServices().Children)
        {
            if (node is YamlMappingNode service && service.Children.ContainsKey(new YamlScalarNode("build")))
                Assert.Contains(((YamlScalarNode)name).Value, ServiceFolders);
        }
    }

    [Fact]
    public void NoServiceKeepsADockerfileOfItsOwn() =>
        Assert.Empty(Directory.GetFiles(Repository.PathOf("services"), "Dockerfile", SearchOption.AllDirectories));

    [Fact]
    public void TheDockerfileRestoresFromTheProjectFilesBeforeItCopiesTheCode()
    {
        var build = Stage("build");
        var restore = build.FindIndex(line => line.StartsWith("RUN dotnet restore \"$PROJECT\"", StringComparison.Ordinal));
        var firstCodeCopy = build.FindIndex(line => line.StartsWith("COPY shared/", StringComparison.Ordinal) || line.StartsWith("COPY services/", StringComparison.Ordinal));
        var projectFiles = build.FindIndex(line => line.StartsWith("COPY --from=project-files", StringComparison.Ordinal));

        Assert.True(projectFiles >= 0 && restore > projectFiles, "The build stage restores after copying the project files.");
        Assert.True(firstCodeCopy > restore, "The build stage copies the code only after the restore.");
        Assert.Contains(Stage("project-files"), line => line.StartsWith("RUN find . -type f ! -name '*.csproj' -delete", StringComparison.Ordinal));
        Assert.Contains(build, line => line.StartsWith("RUN dotnet publish \"$PROJECT\"", StringComparison.Ordinal));
    }

    [Fact]
    public void TheImageRunsTheAssemblyNamedForItsProject()
    {
        var runtime = Stage(null);

        Assert.Contains("ARG PROJECT", runtime);
        Assert.Contains("ENV SYNC_PROJECT=${PROJECT}", runtime);
        Assert.Contains(runtime, line => line.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && line.Contains("basename", StringComparison.Ordinal));
    }

    /// <summary>The lines of one stage, named by its "AS"; null for the last, unnamed one.</summary>
    private static List<string> Stage(string? name)
    {
        var stages = new List<(string? Name, List<string> Lines)>();
        foreach (var line in DockerfileLines.Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')))
        {
            if (line.StartsWith("FROM ", StringComparison.Ordinal))
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stages.Add((words.Length == 4 && words[2] == "AS" ? words[3] : null, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Lines.Add(line);
            }
        }
        return stages.Single(stage => stage.Name == name).Lines;
    }
}
