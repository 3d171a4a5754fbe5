using Microsoft.AspNetCore.Http.HttpResults;
using Sync.ProspectEditor.Automation;
using Sync.ProspectEditor.Prospects;
using Sync.ProspectEditor.Storage;
using Sync.ServiceDefaults.Http;

namespace Sync.ProspectEditor.Apis;

public static class AutomationRulesApi
{
    /// <summary>Most criteria, and most actions, one rule may hold.</summary>
    public const int MaxRuleParts = 20;

    public static RouteGroupBuilder MapAutomationRulesApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/automation-rules").WithTags("Automation rules");
        rules.MapPost("", Create).WithName("CreateAutomationRule")
            .WithSummary("Creates an automation rule: criteria (equals, contains, greaterThan, isEmpty; all or any) and actions (setField, assignUser, addToCrmCampaign, setDoNotSync)")
            ;
        rules.MapGet("", List).WithName("ListAutomationRules").WithSummary("Lists the automation rules");
        rules.MapGet("/{ruleId:long}", Get).WithName("GetAutomationRule").WithSummary("Reads an automation rule")
            .ProducesProblem(StatusCodes.Status404NotFound);
        rules.MapPost("/{ruleId:long}/run", Run).WithName("RunAutomationRule")
            .WithSummary("Applies the rule's actions to every matching prospect, one ProspectChanged (origin AutomationRule) per prospect changed; "
                + "a run that stops part-way says how far it got, and running it again is safe")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status500InternalServerError).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return rules;
    }

    private static async Task<Results<Created<AutomationRule>, ValidationProblem>> Create(
        CreateAutomationRuleRequest request, IAutomationRuleStore store, ICustomFieldStore customFields, TimeProvider time, CancellationToken cancellationToken)
    {
        var catalog = await customFields.Catalog(cancellationToken);
        var validation = new RequestValidation();
        var name = request.Name?.Trim();
        validation.Require(!string.IsNullOrEmpty(name) && name.Length <= 200, "name", "A rule name is required (at most 200 characters).");
        var match = request.Match?.Trim().ToLowerInvariant() switch
        {
            null or "all" => RuleMatch.All,
            "any" => RuleMatch.Any,
            _ => (RuleMatch?)null,
        };
        validation.Require(match is not null, "match", "Say all (every criterion holds) or any (one is enough).");

        var criteria = new List<RuleCriterion>();
        if (request.Criteria is null or { Count: 0 })
            validation.Add("criteria", "A rule needs at least one criterion.");
        else if (request.Criteria.Count > MaxRuleParts)
            validation.Add("criteria", $"A rule holds at most {MaxRuleParts} criteria.");
        for (var index = 0; index < Math.Min(request.Criteria?.Count ?? 0, MaxRuleParts); index++)
        {
            if (Criterion(request.Criteria![index], $"criteria[{index}]", catalog, validation) is { } criterion)
                criteria.Add(criterion);
        }

        var actions = new List<RuleAction>();
        if (request.Actions is null or { Count: 0 })
            validation.Add("actions", "A rule needs at least one action.");
        else if (request.Actions.Count > MaxRuleParts)
            validation.Add("actions", $"A rule holds at most {MaxRuleParts} actions.");
        for (var index = 0; index < Math.Min(request.Actions?.Count ?? 0, MaxRuleParts); index++)
        {
            if (Action(request.Actions![index], $"actions[{index}]", catalog, validation) is { } action)
                actions.Add(action);
        }
        if (!validation.IsValid)
            return validation.Problem("The automation rule is not valid");

        var rule = await store.Add(new AutomationRule
        {
            Name = name!,
            Match = match!.Value,
            Criteria = criteria,
            Actions = actions,
            CreatedAt = time.GetUtcNow(),
        }, cancellationToken);
        return TypedResults.Created($"/automation-rules/{rule.Id}", rule);
    }

    private static async Task<Ok<IReadOnlyList<AutomationRule>>> List(IAutomationRuleStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.All(cancellationToken));

    private static async Task<Results<Ok<AutomationRule>, ProblemHttpResult>> Get(long ruleId, IAutomationRuleStore store, CancellationToken cancellationToken) =>
        await store.Get(ruleId, cancellationToken) is { } rule ? TypedResults.Ok(rule) : NotFound(ruleId);

    private static async Task<Results<Ok<AutomationRuleRun>, ProblemHttpResult>> Run(
        long ruleId, HttpContext http, IAutomationRuleStore store, AutomationRuleRunner runner, CancellationToken cancellationToken)
    {
        if (await store.Get(ruleId, cancellationToken) is not { } rule)
            return NotFound(ruleId);
        try
        {
            return TypedResults.Ok(await runner.Run(rule, cancellationToken));
        }
        catch (AutomationRuleRunFailedException failed)
        {
            // Running the rule again is safe: a prospect it already changed either no longer matches or changes nothing.
            return PartlyApplied.Problem(http, failed.InnerException!,
                $"The run changed {failed.Run.Changed} of the {failed.Run.Matched} matching prospects it reached before it stopped.",
                new Dictionary<string, object?> { ["run"] = failed.Run });
        }
    }

    private static ProblemHttpResult NotFound(long ruleId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Automation rule not found", detail: $"No automation rule has id {ruleId}.");

    private static RuleCriterion? Criterion(CriterionRequest? request, string member, ProspectFields catalog, RequestValidation validation)
    {
        if (request is null)
        {
            validation.Add(member, "A criterion is required.");
            return null;
        }
        var field = CriterionField(request.Field, catalog);
        if (field is null)
            validation.Add($"{member}.field", $"No prospect field is named '{request.Field}' (email, assignedUser, or a standard or custom field).");
        var op = ProspectFields.Key(request.Operator ?? "") switch
        {
            "equals" => CriterionOperator.Equals,
            "contains" => CriterionOperator.Contains,
            "greaterthan" => CriterionOperator.GreaterThan,
            "isempty" => CriterionOperator.IsEmpty,
            _ => (CriterionOperator?)null,
        };
        if (op is null)
            validation.Add($"{member}.operator", "The operator is one of equals, contains, greaterThan, isEmpty.");
        else if (op is CriterionOperator.Equals or CriterionOperator.Contains && request.Value is null)
            validation.Add($"{member}.value", $"{request.Operator} needs a value to compare with.");
        else if (op is CriterionOperator.GreaterThan && !RuleCriterion.IsComparable(request.Value))
            validation.Add($"{member}.value", "greaterThan compares with a number (like 50) or a date (like 2025-01-31).");
        else if (op is not CriterionOperator.IsEmpty)
            validation.Report($"{member}.value", ProspectValues.FieldValue(request.Value));
        return field is null || op is null ? null : new RuleCriterion(field, op.Value, op == CriterionOperator.IsEmpty ? null : request.Value);
    }

    private static string? CriterionField(string? name, ProspectFields catalog) => ProspectFields.Key(name ?? "") switch
    {
        "" => null,
        "email" or "emailaddress" => ProspectFields.Email,
        "assigneduser" => ProspectFields.AssignedUser,
        _ => catalog.Resolve(name),
    };

    private static RuleAction? Action(ActionRequest? request, string member, ProspectFields catalog, RequestValidation validation)
    {
        if (request is null)
        {
            validation.Add(member, "An action is required.");
            return null;
        }
        switch (ProspectFields.Key(request.Type ?? ""))
        {
            case "setfield":
                var field = catalog.Resolve(request.Field);
                if (field is null)
                    validation.Add($"{member}.field", $"No prospect field is named '{request.Field}'; setField changes a standard or custom field.");
                validation.Report($"{member}.value", ProspectValues.FieldValue(request.Value));
                return field is null ? null : new RuleAction(RuleActionType.SetField, field, request.Value);
            case "assignuser":
                var user = request.User?.Trim();
                var userProblem = string.IsNullOrEmpty(user) ? "assignUser needs the user to assign." : ProspectValues.User(user);
                validation.Report($"{member}.user", userProblem);
                return userProblem is null ? new RuleAction(RuleActionType.AssignUser, Value: user) : null;
            case "addtocrmcampaign":
                var campaignId = request.CampaignId?.Trim();
                var campaignProblem = ProspectValues.CampaignId(campaignId);
                validation.Report($"{member}.campaignId", campaignProblem);
                return campaignProblem is null ? new RuleAction(RuleActionType.AddToCrmCampaign, Value: campaignId) : null;
            case "setdonotsync":
                return new RuleAction(RuleActionType.SetDoNotSync);
            default:
                validation.Add($"{member}.type", "The action type is one of setField, assignUser, addToCrmCampaign, setDoNotSync.");
                return null;
        }
    }
}
