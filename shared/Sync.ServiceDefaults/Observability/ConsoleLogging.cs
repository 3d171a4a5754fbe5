using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sync.ServiceDefaults.Observability;

public static class ConsoleLogging
{
    /// <summary>
    /// One line per entry, starting with a UTC timestamp and the service's name ("2026-12-04T01:30:00.123Z sync-worker info: …"),
    /// so the logs of six services can be merged and read side by side. OTEL_SERVICE_NAME, when set, is the name shown.
    /// </summary>
    public static IHostApplicationBuilder AddSyncConsoleLogging(this IHostApplicationBuilder builder, string serviceName)
    {
        var name = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : serviceName;
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            // The simple formatter has no field for the service: its timestamp format carries it, as an escaped literal.
            console.TimestampFormat = $"yyyy-MM-dd'T'HH:mm:ss.fff'Z' {string.Concat(name.Select(character => $"\\{character}"))} ";
        });
        return builder;
    }
}
