using System.Text.RegularExpressions;
using Sync.ServiceDefaults.Tests.Processes;

namespace Sync.ServiceDefaults.Tests;

/// <summary>
/// A bad setting, of any kind and in any service, ends the process at start with exit code 1 and one line naming the key,
/// what is wrong with its value and the form expected: no stack trace, and no bus started only to fail stopping.
/// </summary>
public sealed partial class StartupFailureTests
{
    /// <summary>Service folder, assembly, key, value, and a part of the sentence that says what is expected.</summary>
    public static TheoryData<string, string, string, string, string> BadSettings()
    {
        var cases = new TheoryData<string, string, string, string, string>();
        foreach (var service in ServiceRun.Services)
        {
            var (directory, assembly) = ((string)service[0], (string)service[1]);
            // Settings every process reads: malformed, out of range, missing.
            cases.Add(directory, assembly, "RabbitMq:Port", "notaport", "not a whole number, such as 5672");
            cases.Add(directory, assembly, "RabbitMq:Port", "70000", "must be between 1 and 65535");
            cases.Add(directory, assembly, "Sync:ApiKey", "", "is missing; expected a value");
            // And one of the service's own.
            var (key, value, expected) = directory switch
            {
                "activity-tracker" => ("Tracking:MaxClockAhead", "30.00:00:00", "must be between 00:00:00 and 1.00:00:00"),
                "prospect-editor" => ("Import:ReportsKeptFor", "soon", "not a duration as [d.]hh:mm:ss[.fff], such as"),
                "sync-evaluator" => ("SyncState:DedupeWindow", "-1.00:00:00", "must be a positive duration"),
                "sync-worker" => ("SyncWorker:BatchSize", "500", "must be between 1 and 200"),
                "crm-simulator" => ("CrmSimulator:Limits:DailyApiRequests", "lots", "not a whole number"),
                "crm-change-listener" => ("CrmFeed:BatchSize", "0", "must be between 1 and 1000"),
                _ => ("Embedded:Ports:SyncWorker", "port", "not a whole number, such as 5104"),
            };
            cases.Add(directory, assembly, key, value, expected);
        }
        cases.Add("sync-evaluator", "Sync.SyncEvaluator", "Redis:ConnectionString", "", "is missing; expected a value, such as localhost:6379");
        cases.Add("sync-worker", "Sync.SyncWorker", "Redis:ConnectionString", "127.0.0.1:notaport", "expected host:port");
        cases.Add("crm-simulator", "Sync.CrmSimulator", "UsageTelemetry:Enabled", "yes", "not true or false, such as false");
        cases.Add("crm-simulator", "Sync.CrmSimulator", "UsageTelemetry:ReportDelay", "00:00:05", "must be between 00:00:30 and 00:30:00");
        cases.Add("activity-tracker", "Sync.ActivityTracker", "Sync:UnreachableReportInterval", "00:00:00", "must be between 00:00:01 and 01:00:00");
        return cases;
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSettingEndsTheProcessWithExitCode1AndOneLineNamingTheKeyAndTheExpectedForm(
        string directory, string assembly, string key, string value, string expected)
    {
        await using var service = ServiceRun.Start(directory, assembly, new Dictionary<string, string?> { [key] = value });

        Assert.Equal(1, await service.ExitCode());
        var output = service.Output;
        var error = Assert.Single(service.Lines, line => line.Contains(" crit: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal));
        Assert.Contains(key, error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Matches(LogLinePrefix(directory == "embedded" ? "sync-embedded" : directory), error);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), output);
        Assert.DoesNotContain("Failed to stop bus", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLogNamesTheServiceByOtelServiceNameWhenItIsSet()
    {
        await using var service = ServiceRun.Start("sync-worker", "Sync.SyncWorker",
            new Dictionary<string, string?> { ["RabbitMq:Port"] = "notaport", ["OTEL_SERVICE_NAME"] = "worker-eu-2" });

        Assert.Equal(1, await service.ExitCode());
        Assert.Matches(LogLinePrefix("worker-eu-2"), Assert.Single(service.Lines));
    }

    // "2026-12-04T01:30:00.123Z sync-worker crit: …": a UTC timestamp and the service, so several services' logs merge in order.
    private static Regex LogLinePrefix(string service) =>
        new($@"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z {Regex.Escape(service)} (crit|fail): ", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^\s+at \S+", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
