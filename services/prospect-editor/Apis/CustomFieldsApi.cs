using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.Rules;
using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

public static partial class CustomFieldsApi
{
    public static RouteGroupBuilder MapCustomFieldsApi(this RouteGroupBuilder api)
    {
        var fields = api.MapGroup("/custom-fields").WithTags("Custom fields");
        fields.MapPost("", Create).WithName("CreateCustomField")
            .WithSummary("Creates a custom prospect field; it changes no prospect, so nothing is published and nothing syncs")
            .ProducesProblem(StatusCodes.Status409Conflict);
        fields.MapGet("", List).WithName("ListCustomFields").WithSummary("Lists the custom prospect fields");
        return fields;
    }

    private static async Task<Results<Created<CustomFieldCreated>, ValidationProblem, ProblemHttpResult>> Create(
        CreateCustomFieldRequest request, ICustomFieldStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || !FieldName().IsMatch(name))
            validation.Add("name", "A field name starts with a letter and holds letters and digits only, at most 64 (like leadSource2).");
        else if (ProspectFields.IsStandard(name) || ProspectFields.Key(name) is "email" or "emailaddress" or "assigneduser" or "assignedto")
            validation.Add("name", $"'{name}' is a standard prospect field already.");
        validation.Require(request.Label is null or { Length: <= 200 }, "label", "At most 200 characters.");
        if (!validation.IsValid)
            return validation.Problem();

        var field = new CustomField(name!, request.Label?.Trim(), time.GetUtcNow());
        if (!await store.TryAdd(field, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Custom field exists",
                detail: $"A custom field named '{name}' exists.", extensions: new Dictionary<string, object?> { ["member"] = "name" });
        }
        var rule = SyncRules.CustomFieldCreated;
        return TypedResults.Created($"/custom-fields/{field.Name}", new CustomFieldCreated(field.Name, field.Label, field.CreatedAt,
            ProspectsChanged: 0, EventPublished: false, SyncRule: rule.Name, Explanation: $"{rule.Because}: no sync"));
    }

    private static async Task<Ok<IReadOnlyList<CustomField>>> List(ICustomFieldStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.All(cancellationToken));

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,63}$")]
    private static partial Regex FieldName();
}
