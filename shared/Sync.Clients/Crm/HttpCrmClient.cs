using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.Contracts;

namespace Sync.Clients.Crm;

/// <summary>
/// <see cref="ICrmClient"/> over the CRM's Salesforce-shaped REST API (v60.0). Each method is one HTTP call: lookups are a
/// composite request of SOQL queries, writes are sObject Collections (inside one composite request when a batch both
/// creates and updates). It never retries: a retry spends allowance, so that is the caller's decision, told apart by
/// the exception type (<see cref="CrmApiTransport"/>). The usage each answer reports is read by <see cref="CrmApiUsageHandler"/>.
/// </summary>
internal sealed class HttpCrmClient(CrmApiTransport api, LastKnownCrmUsage lastKnown) : ICrmClient
{
    private const int MaxRecordsPerWrite = 200;
    private const int MaxSubrequests = 25;

    public CrmApiUsage? LastKnownUsage => lastKnown.Usage;

    public async Task<CrmLookupResult> Lookup(CrmLookup lookup, CancellationToken cancellationToken)
    {
        var leadIds = lookup.LeadIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToList();
        var contactIds = lookup.ContactIds.Where(id => !string.IsNullOrWhiteSpace(id)).Distinct(StringComparer.Ordinal).ToList();
        var emails = lookup.Emails.Where(email => !string.IsNullOrWhiteSpace(email)).Select(email => email.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var queries = new List<string>();
        queries.AddRange(CrmSoql.InQueries(CrmObjectType.Lead, CrmFields.Id, leadIds.Where(CrmSoql.IsRecordId)));
        queries.AddRange(CrmSoql.InQueries(CrmObjectType.Contact, CrmFields.Id, contactIds.Where(CrmSoql.IsRecordId)));
        queries.AddRange(CrmSoql.InQueries(CrmObjectType.Contact, CrmFields.Email, emails));
        queries.AddRange(CrmSoql.InQueries(CrmObjectType.Lead, CrmFields.Email, emails));

        var leads = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        CrmApiUsage? usage = null;
        var contacts = new Dictionary<string, CrmRecord>(StringComparer.Ordinal);
        // One composite call holds 25 queries, each up to 200 ids or e-mail addresses: a batch of 200 prospects needs one.
        foreach (var call in queries.Chunk(MaxSubrequests))
        {
            var composite = new JsonObject
            {
                ["allOrNone"] = false,
                ["compositeRequest"] = new JsonArray([.. call.Select((query, i) => (JsonNode)new JsonObject
                {
                    ["method"] = "GET",
                    ["url"] = $"/{CrmApiTransport.ApiPath}query?q={Uri.EscapeDataString(query)}",
                    ["referenceId"] = $"query{i}",
                })]),
            };
            var (answer, answeredUsage) = await api.Send(HttpMethod.Post, "composite", composite, cancellationToken);
            usage = answeredUsage ?? usage;
            foreach (var body in CrmCompositeJson.SubrequestBodies(answer, "composite"))
            {
                foreach (var record in (body?["records"] as JsonArray ?? []).OfType<JsonObject>().Select(CrmRecordJson.ToRecord).OfType<CrmRecord>())
                {
                    var found = record.Type == CrmObjectType.Lead ? leads : contacts;
                    found.TryAdd(record.Id!, record);
                }
            }
        }

        var missing = leadIds.Where(id => !leads.Keys.Any(found => CrmSoql.SameId(id, found)))
            .Concat(contactIds.Where(id => !contacts.Keys.Any(found => CrmSoql.SameId(id, found))))
            .ToList();
        return new CrmLookupResult { Leads = [.. leads.Values], Contacts = [.. contacts.Values], MissingIds = missing, Usage = usage };
    }

    public async Task<CrmWriteResult> Write(IReadOnlyList<CrmRecord> creates, IReadOnlyList<CrmRecord> updates, CancellationToken cancellationToken)
    {
        if (creates.Count + updates.Count > MaxRecordsPerWrite)
            throw new ArgumentException($"One write carries at most {MaxRecordsPerWrite} records; this one has {creates.Count} creates and {updates.Count} updates.");
        if (updates.FirstOrDefault(record => (record.Id ?? record[CrmFields.Id]) is null) is { } anonymous)
            throw new ArgumentException($"A {anonymous.Type} to update has no Id.", nameof(updates));

        var createBody = CrmRecordJson.Collection(creates, withId: false);
        var updateBody = CrmRecordJson.Collection(updates, withId: true);
        if (creates.Count == 0 && updates.Count == 0)
            return new CrmWriteResult([], []);
        if (updates.Count == 0)
        {
            var (created, usage) = await api.Send(HttpMethod.Post, "composite/sobjects", createBody, cancellationToken);
            return new CrmWriteResult(CrmCompositeJson.SaveResults(created), []) { Usage = usage };
        }
        if (creates.Count == 0)
        {
            var (updated, usage) = await api.Send(HttpMethod.Patch, "composite/sobjects", updateBody, cancellationToken);
            return new CrmWriteResult([], CrmCompositeJson.SaveResults(updated)) { Usage = usage };
        }

        var composite = new JsonObject
        {
            ["allOrNone"] = false,
            ["compositeRequest"] = new JsonArray(
                new JsonObject { ["method"] = "POST", ["url"] = $"/{CrmApiTransport.ApiPath}composite/sobjects", ["referenceId"] = "creates", ["body"] = createBody },
                new JsonObject { ["method"] = "PATCH", ["url"] = $"/{CrmApiTransport.ApiPath}composite/sobjects", ["referenceId"] = "updates", ["body"] = updateBody }),
        };
        var (answer, writeUsage) = await api.Send(HttpMethod.Post, "composite", composite, cancellationToken);
        var subrequests = (answer?["compositeResponse"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return new CrmWriteResult(
            CrmCompositeJson.SubrequestSaveResults(subrequests.ElementAtOrDefault(0), creates.Count, "the creates"),
            CrmCompositeJson.SubrequestSaveResults(subrequests.ElementAtOrDefault(1), updates.Count, "the updates")) { Usage = writeUsage };
    }

    public async Task<CrmLimits> GetLimits(CancellationToken cancellationToken)
    {
        var (answer, _) = await api.Send(HttpMethod.Get, "limits", null, cancellationToken);
        return CrmRecordJson.Limits(answer);
    }

    public async Task<CrmChangePage> ReadChanges(long afterPosition, int limit, CancellationToken cancellationToken)
    {
        var (answer, _) = await api.Send(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"changes?after={afterPosition}&limit={limit}"), null, cancellationToken,
            feedPosition: afterPosition);
        return answer.Deserialize<CrmChangePage>(JsonSerializerOptions.Web)
            ?? throw new CrmRequestException("The CRM answered the change feed with no page.", []);
    }
}
