using System.Globalization;
using System.Text.RegularExpressions;

namespace Sync.Clients.Crm;

/// <summary>
/// Reads the usage the CRM reports on every answer (Salesforce's Sforce-Limit-Info, "api-usage=used/limit"): it is kept as
/// the process's last known usage and set on the request, so the call that asked reports the usage of its own answer.
/// </summary>
internal sealed partial class CrmApiUsageHandler(LastKnownCrmUsage lastKnown) : DelegatingHandler
{
    public const string Header = "Sforce-Limit-Info";

    /// <summary>Where a request holds the usage reported on its answer, when the answer reported one.</summary>
    public static readonly HttpRequestOptionsKey<CrmApiUsage> AnsweredUsage = new("Sync.Crm.AnsweredUsage");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Read(response) is { } usage)
        {
            request.Options.Set(AnsweredUsage, usage);
            lastKnown.Remember(usage);
        }
        return response;
    }

    /// <summary>The usage on this answer's Sforce-Limit-Info; null when it has none.</summary>
    public static CrmApiUsage? Read(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues(Header, out var values))
            return null;
        CrmApiUsage? usage = null;
        foreach (var value in values)
        {
            var match = ApiUsagePattern().Match(value);
            if (match.Success)
                usage = new CrmApiUsage(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        return usage;
    }

    [GeneratedRegex(@"api-usage=(\d+)/(\d+)")]
    private static partial Regex ApiUsagePattern();
}
