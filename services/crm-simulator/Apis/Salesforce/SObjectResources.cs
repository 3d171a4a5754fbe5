using System.Text.Json.Nodes;
using Sync.CrmSimulator.Reading;
using Sync.CrmSimulator.Writing;
using static Sync.CrmSimulator.Apis.Salesforce.ResourceInput;

namespace Sync.CrmSimulator.Apis.Salesforce;

/// <summary>sobjects/{type}[/{id}]: one record at a time (create, read, update, delete) and describe. Converting a Lead and
/// restoring a deleted record are not REST resources of Salesforce: the simulator offers them under /admin (AdminRecordsApi).</summary>
public sealed class SObjectResources(CrmReader reader, CrmWriter writer)
{
    public Task<SalesforceResult> Describe(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var type = TypeOf(request);
        return Task.FromResult(SalesforceResult.Ok(new JsonObject
        {
            ["name"] = type.Name,
            ["keyPrefix"] = type.KeyPrefix,
            ["custom"] = false,
            ["fields"] = new JsonArray([.. type.Fields.Select(field => (JsonNode)new JsonObject
            {
                ["name"] = field.Name,
                ["type"] = field.Kind.ToString().ToLowerInvariant(),
                ["length"] = field.MaxLength,
                ["custom"] = field.Custom,
                ["createable"] = field.Createable,
                ["updateable"] = field.Updateable,
                ["nillable"] = !field.Required && field.Createable,
                ["calculated"] = field.Calculated,
                ["filterable"] = true,
                ["referenceTo"] = new JsonArray([.. field.ReferenceTo.Select(target => JsonValue.Create(target))]),
                ["defaultValue"] = field.DefaultValue,
            })]),
        }));
    }

    public async Task<SalesforceResult> Create(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var type = TypeOf(request);
        var outcome = (await writer.Create(request.User, [new NewRecord(type, BodyObject(request))], allOrNone: true, cancellationToken))[0];
        if (!outcome.Success)
            return SaveAnswers.Failed(outcome);
        return new SalesforceResult(StatusCodes.Status201Created, SaveAnswers.SaveResult(outcome),
            new Dictionary<string, string> { ["Location"] = CrmReader.RecordUrl(type, outcome.Id!) });
    }

    public async Task<SalesforceResult> Read(SalesforceRequest request, CancellationToken cancellationToken) =>
        SalesforceResult.Ok(await reader.Read(TypeOf(request), request.Route("id"), request.QueryValue("fields"), cancellationToken));

    public async Task<SalesforceResult> Update(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var outcome = (await writer.Update(request.User, [new RecordChange(TypeOf(request), request.Route("id"), BodyObject(request))], allOrNone: true, cancellationToken))[0];
        return outcome.Success ? SalesforceResult.NoContent : SaveAnswers.Failed(outcome);
    }

    public async Task<SalesforceResult> Delete(SalesforceRequest request, CancellationToken cancellationToken)
    {
        var outcome = (await writer.Delete(request.User, [new RecordDeletion(TypeOf(request), request.Route("id"))], allOrNone: true, cancellationToken))[0];
        return outcome.Success ? SalesforceResult.NoContent : SaveAnswers.Failed(outcome);
    }
}
