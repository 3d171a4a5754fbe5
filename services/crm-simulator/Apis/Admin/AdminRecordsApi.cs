using Microsoft.AspNetCore.Http.HttpResults;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;
using Sync.CrmSimulator.Users;
using Sync.CrmSimulator.Writing;
using Sync.ServiceDefaults.Http;

namespace Sync.CrmSimulator.Apis.Admin;

/// <summary>
/// Set-up that a real org does by other means than its REST API: converting a Lead (the CRM's own screens or Apex) and
/// restoring a deleted record (the Recycle Bin). They live under /admin, behind the operator key, so nothing the sync
/// calls can lean on them; each acts as a named user of the org, so the change is that user's, as in the CRM.
/// They are not charged against the API allowance.
/// </summary>
internal static class AdminRecordsApi
{
    public static RouteGroupBuilder MapAdminRecords(this RouteGroupBuilder admin)
    {
        admin.MapPost("/leads/{id}/convert", async Task<Results<Ok<LeadConverted>, ValidationProblem, ProblemHttpResult>> (
            string id, LeadConversionRequest conversion, CrmUsers users, CrmWriter writer, CancellationToken cancellationToken) =>
        {
            if (Actor(users, conversion.AsUser) is not { } user)
                return UnknownUser(conversion.AsUser);
            var (outcome, converted) = await writer.Convert(user, id,
                new LeadConversion(conversion.AccountId, conversion.ContactId, conversion.ConvertedStatus, conversion.OwnerId), cancellationToken);
            return converted is null
                ? Refused(outcome, $"Lead {id} was not converted")
                : TypedResults.Ok(new LeadConverted(converted.LeadId, converted.ContactId, converted.AccountId));
        }).ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPost("/records/{type}/{id}/undelete", async Task<Results<Ok<RecordRestored>, ValidationProblem, ProblemHttpResult>> (
            string type, string id, UndeleteRequest undelete, CrmUsers users, CrmWriter writer, CancellationToken cancellationToken) =>
        {
            if (SObjectSchema.Find(type) is not { } described)
                return new RequestValidation().Add("type", $"{type} is not an object type of this CRM.").Problem();
            if (Actor(users, undelete.AsUser) is not { } user)
                return UnknownUser(undelete.AsUser);
            var outcome = await writer.Undelete(user, described, id, cancellationToken);
            return outcome.Success ? TypedResults.Ok(new RecordRestored(outcome.Id!)) : Refused(outcome, $"{type} {id} was not restored");
        }).ProducesProblem(StatusCodes.Status404NotFound);

        return admin;
    }

    private static CrmUser? Actor(CrmUsers users, string? userId) =>
        userId is not null && SalesforceId.TryNormalize(userId, out var id) ? users.ById(id) : null;

    private static ValidationProblem UnknownUser(string? userId) =>
        new RequestValidation().Add("asUser", userId is null
            ? "asUser is required: the id of the org's user who makes the change (GET /admin/state lists them)."
            : $"asUser {userId} is not a user of this CRM (GET /admin/state lists them).").Problem();

    /// <summary>What the CRM said, as a problem: 404 when the record is missing or deleted, 400 for anything else.</summary>
    private static ProblemHttpResult Refused(SaveOutcome outcome, string title) =>
        TypedResults.Problem(
            title: title,
            detail: string.Join(" ", outcome.Errors.Select(error => $"{error.ErrorCode}: {error.Message}")),
            statusCode: outcome.Errors.Any(error => error.ErrorCode is "NOT_FOUND" or "ENTITY_IS_DELETED")
                ? StatusCodes.Status404NotFound
                : StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = outcome.Errors.Select(error => new { error.ErrorCode, error.Message, error.Fields }).ToList() });
}
