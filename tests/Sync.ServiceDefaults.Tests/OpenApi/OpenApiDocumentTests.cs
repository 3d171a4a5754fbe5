using System.Net;
using System.Text.RegularExpressions;
using Sync.ServiceDefaults.Tests.Processes;
using Sync.Testing;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests.OpenApi;

/// <summary>
/// Each service publishes its HTTP contract at /openapi/v1.json without the operator key, and the document matches the
/// snapshot committed beside these tests, so a change to an API's shape shows in review. After an intended change, run
/// <c>SYNC_UPDATE_OPENAPI_SNAPSHOTS=1 dotnet test tests/Sync.ServiceDefaults.Tests --filter FullyQualifiedName~OpenApi</c>
/// and commit the snapshots it writes.
/// </summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private ServerLane _lane = null!;
    private IsolatedVirtualHost _broker = null!;
    private IsolatedKeyPrefix _redis = null!;

    public async Task InitializeAsync()
    {
        _lane = await TestLane.Servers("openapi");
        (_broker, _redis) = (_lane.Broker, _lane.Redis);
    }

    public async Task DisposeAsync()
    {
        await _lane.DisposeAsync();
    }

    /// <summary>The six services; the embedded host runs these same APIs in one process.</summary>
    public static TheoryData<string, string> Services => new()
    {
        { "prospect-editor", "Sync.ProspectEditor" },
        { "activity-tracker", "Sync.ActivityTracker" },
        { "sync-evaluator", "Sync.SyncEvaluator" },
        { "sync-worker", "Sync.SyncWorker" },
        { "crm-simulator", "Sync.CrmSimulator" },
        { "crm-change-listener", "Sync.CrmChangeListener" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task ServiceOpenApiDocumentMatchesItsCommittedSnapshot(string directory, string assembly)
    {
        await using var service = ServiceRun.Start(directory, assembly, TestSettings.Combine(_broker.Settings, _redis.Settings));

        var document = OpenApiSnapshot.Normalise(await FetchDocument(service));

        var snapshot = OpenApiSnapshot.PathOf(directory);
        if (OpenApiSnapshot.Updating)
        {
            await File.WriteAllTextAsync(snapshot, document);
            return;
        }
        Assert.True(File.Exists(snapshot), $"No snapshot of {directory}'s OpenAPI document at {snapshot}; set {OpenApiSnapshot.UpdateVariable}=1 to write it.");
        var committed = (await File.ReadAllTextAsync(snapshot)).ReplaceLineEndings("\n");
        Assert.True(committed == document,
            $"{directory}'s OpenAPI document differs from {snapshot} (- snapshot, + served). If the change is intended, "
            + $"rerun with {OpenApiSnapshot.UpdateVariable}=1 and commit the snapshot.{Environment.NewLine}"
            + LineDifference.Describe(committed, document));
    }

    [Fact]
    public async Task DevelopmentReferencePageLoadsNothingFromAnotherHost()
    {
        await using var service = ServiceRun.Start("prospect-editor", "Sync.ProspectEditor", TestSettings.Combine(_broker.Settings, _redis.Settings),
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        await FetchDocument(service);

        using var page = await service.Http.GetAsync("scalar/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var loaded = LoadedAddress().Matches(html).Select(match => match.Groups["address"].Value).ToList();
        Assert.NotEmpty(loaded);
        Assert.All(loaded, address => Assert.False(Uri.TryCreate(address, UriKind.Absolute, out var absolute) && absolute.Host != service.Address.Host,
            $"The reference page loads {address}:{Environment.NewLine}{html}"));
        // The script is the service's own copy; these switch off what it would fetch from Scalar's hosts (fonts) or send there.
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", html, StringComparison.Ordinal);
        Assert.Contains("\"agent\":{\"disabled\":true}", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferencePageIsNotServedOutsideDevelopment()
    {
        await using var service = ServiceRun.Start("prospect-editor", "Sync.ProspectEditor", TestSettings.Combine(_broker.Settings, _redis.Settings));
        await FetchDocument(service);

        using var page = await service.Http.GetAsync("scalar/");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    /// <summary>Polls until the service answers its document (the port opens once the host has started), without a key.</summary>
    private static Task<string> FetchDocument(ServiceRun service) =>
        Eventually.Until<string>(async () =>
        {
            try
            {
                using var response = await service.Http.GetAsync("openapi/v1.json");
                return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, $"the OpenAPI document at {service.Address}openapi/v1.json", TimeSpan.FromSeconds(60));

    [GeneratedRegex("""(?:src|href)\s*=\s*["'](?<address>[^"']+)["']""")]
    private static partial Regex LoadedAddress();
}
