using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Sync.Clients.Crm;
using Sync.CrmSimulator.Configuration;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Storage.Records;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>
/// GET changes?after={position}&amp;limit={n}: the change feed over REST, a page at a time. Not charged. The store's feed is
/// the one source; another way of reading it (a streaming API) would read the same <see cref="ICrmRecordStore.ReadFeed"/>.
/// </summary>
public sealed class ChangeFeedResource(ICrmRecordStore store, IOptions<CrmSimulatorOptions> options)
{
    public const int DefaultChangePage = 100;

    /// <summary>
    /// Entries after a position, oldest first, with the head position. A position that retention has passed answers 410
    /// REPLAY_ID_EXPIRED, naming the oldest position still kept, since changes were lost to that reader.
    /// </summary>
    public async Task<SalesforceResult> Changes(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var after = ResourceInput.QueryNumber(request, "after", 0, 0, long.MaxValue);
        var limit = (int)ResourceInput.QueryNumber(request, "limit", DefaultChangePage, 1, options.Value.Feed.MaxPageSize);
        var page = await store.ReadFeed(after, limit, cancellationToken);
        if (after < page.Floor)
        {
            var error = new CrmApiError("REPLAY_ID_EXPIRED",
                $"Position {after} is older than the change feed keeps ({options.Value.Feed.RetainedEntries} entries): changes up to {page.Floor} are gone. Resume after {page.Floor}.",
                ["after"]).ToRequestError();
            error["oldestPosition"] = page.Floor + 1;
            return new SalesforceResult(StatusCodes.Status410Gone, new JsonArray(error));
        }
        if (after > page.Head)
        {
            return SalesforceResult.Error(StatusCodes.Status400BadRequest, new CrmApiError("INVALID_REPLAY_ID",
                $"Position {after} is beyond the head of the change feed ({page.Head}): it does not come from this CRM's feed.", ["after"]));
        }
        return SalesforceResult.Ok(JsonSerializer.SerializeToNode(new CrmChangePage(page.Changes, page.Head), JsonSerializerOptions.Web)!);
    }
}
