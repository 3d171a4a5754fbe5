using System.Diagnostics;
using System.Globalization;
using Sync.EndToEnd.Tests.Infrastructure;
using Sync.Testing;

namespace Sync.EndToEnd.Tests;

/// <summary>The README's run command: every service in one process, in memory, playing the article's scenario.</summary>
public sealed class EmbeddedDemoTests
{
    [Fact]
    public async Task DemoPlaysEveryStepAsTheArticleSaysAndExitsZero()
    {
        var output = BuiltService.OutputOf("embedded");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(output, "Sync.Embedded.dll"), "demo"])
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Ports of its own, so the demo runs beside anything on the default ports.
        foreach (var service in new[] { "ActivityTracker", "ProspectEditor", "SyncEvaluator", "SyncWorker", "CrmSimulator", "CrmChangeListener" })
            start.Environment[$"Embedded__Ports__{service}"] = FreePorts.NextStable().ToString(CultureInfo.InvariantCulture);

        using var demo = Process.Start(start)!;
        var printed = demo.StandardOutput.ReadToEndAsync();
        var errors = demo.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await demo.WaitForExitAsync(timeout.Token);

        var table = await printed;
        Assert.True(demo.ExitCode == 0, $"The demo exited with {demo.ExitCode}:{Environment.NewLine}{table}{Environment.NewLine}{await errors}");
        Assert.Contains("Every step behaved as the article says.", table, StringComparison.Ordinal);
        Assert.DoesNotContain("UNEXPECTED", table, StringComparison.Ordinal);
        Assert.Contains("E-mail open is passive", table, StringComparison.Ordinal);
        Assert.Contains("Do Not Sync is set: no sync", table, StringComparison.Ordinal);
        Assert.Contains("Import forces a sync of every prospect in the file: sync queued", table, StringComparison.Ordinal);
        Assert.Contains("Title              Mathematician", table, StringComparison.Ordinal);
    }
}
