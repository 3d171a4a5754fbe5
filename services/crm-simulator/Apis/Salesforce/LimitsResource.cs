using System.Text.Json.Nodes;
using Sync.CrmSimulator.Limits;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>GET limits: the day's API allowance, as Salesforce's limits resource tells it. Not charged.</summary>
public sealed class LimitsResource(ApiAllowance allowance)
{
    public async Task<SalesforceResult> Limits(CancellationToken cancellationToken)
    {
        var usage = await allowance.Current(cancellationToken);
        return SalesforceResult.Ok(new JsonObject
        {
            ["DailyApiRequests"] = new JsonObject
            {
                ["Max"] = usage.Limit,
                ["Remaining"] = usage.Remaining,
                ["ResetsAt"] = FieldValues.FormatDateTime(usage.ResetsAt),
            },
        });
    }
}
