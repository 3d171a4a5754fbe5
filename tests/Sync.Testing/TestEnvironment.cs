namespace Sync.Testing;

/// <summary>
/// Where the test servers are. deploy/scripts/test.sh starts a private RabbitMQ and Redis and exports SYNC_TEST_*;
/// the defaults match what that script starts, so `deploy/scripts/test-servers.sh start` then `dotnet test` works too.
/// With SYNC_TEST_USE_TESTCONTAINERS=1 (on a machine with a Docker engine) the fixtures start containers instead.
/// </summary>
public static class TestEnvironment
{
    public static string RabbitMqHost => Read("SYNC_TEST_RABBITMQ_HOST", "127.0.0.1");

    public static int RabbitMqPort => int.Parse(Read("SYNC_TEST_RABBITMQ_PORT", "5679"));

    public static int RabbitMqManagementPort => int.Parse(Read("SYNC_TEST_RABBITMQ_MANAGEMENT_PORT", "15679"));

    public static string RabbitMqUser => Read("SYNC_TEST_RABBITMQ_USER", "guest");

    public static string RabbitMqPassword => Read("SYNC_TEST_RABBITMQ_PASSWORD", "guest");

    /// <summary>How often the broker refreshes the management API's counts: 250 ms for the brokers the tests start.</summary>
    public static TimeSpan RabbitMqStatisticsInterval =>
        TimeSpan.FromMilliseconds(int.Parse(Read("SYNC_TEST_RABBITMQ_STATISTICS_INTERVAL_MS", "250"), System.Globalization.CultureInfo.InvariantCulture));

    public static string Redis => Read("SYNC_TEST_REDIS", "127.0.0.1:6389");

    public static bool UseTestcontainers => Read("SYNC_TEST_USE_TESTCONTAINERS", "0") is "1" or "true";

    /// <summary>
    /// Throws when the fast lane runs (SYNC_TEST_LANE=fast, set by tests/fast.runsettings): a test that needs
    /// <paramref name="server"/> belongs to the full suite, and fails here at once rather than being slow in the fast lane.
    /// </summary>
    public static void RefuseServerInFastLane(string server)
    {
        if (Read("SYNC_TEST_LANE", "") == "fast")
            throw new InvalidOperationException(
                $"{server} was asked for in the fast lane (SYNC_TEST_LANE=fast): this test needs the real {server}, so it runs in " +
                "the full suite (deploy/scripts/test.sh) and must not carry [FastLane].");
    }

    public const string HowToStartServers =
        "Run the suite with `bash deploy/scripts/test.sh` (it installs and starts RabbitMQ and Redis), or start them with " +
        "`deploy/scripts/test-servers.sh start`, or point SYNC_TEST_RABBITMQ_* and SYNC_TEST_REDIS at your own.";

    private static string Read(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
