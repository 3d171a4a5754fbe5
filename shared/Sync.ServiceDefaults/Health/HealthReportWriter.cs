using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sync.ServiceDefaults.Settings;

namespace Sync.ServiceDefaults.Health;

internal static class HealthReportWriter
{
    /// <summary>Each check's status and description, so an operator sees which dependency is down.</summary>
    public static Task WriteJson(HttpContext http, HealthReport report) =>
        http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description ?? entry.Value.Exception?.Message }),
        });
}
