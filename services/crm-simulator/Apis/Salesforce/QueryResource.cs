using Sync.CrmSimulator.Reading;
using Sync.CrmSimulator.Soql;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>GET query?q=SOQL: the SOQL subset of <see cref="SoqlParser"/>, answered by <see cref="CrmReader"/> in one page.</summary>
public sealed class QueryResource(CrmReader reader)
{
    public async Task<SalesforceResult> Query(SalesforceRequest request, CancellationToken cancellationToken) =>
        SalesforceResult.Ok(await reader.Query(SoqlParser.Parse(request.QueryValue("q")), cancellationToken));
}
