using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.Contracts;
using Sync.Rules;
using Sync.ServiceDefaults.Http;

namespace Sync.SyncEvaluator.Apis;

/// <summary>Reads a what-if event into the change the evaluator would apply, filling the members a person trying it would leave out.</summary>
internal static class WhatIfEvents
{
    private static readonly Dictionary<string, Type> Contracts = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(ProspectActivityRecorded)] = typeof(ProspectActivityRecorded),
        [nameof(ProspectChanged)] = typeof(ProspectChanged),
        [nameof(CrmRecordChanged)] = typeof(CrmRecordChanged),
        [nameof(ProspectsImported)] = typeof(ProspectsImported),
        [nameof(ProspectSyncForced)] = typeof(ProspectSyncForced),
        [nameof(SyncCompleted)] = typeof(SyncCompleted),
    };

    public static bool TryRead(long prospectId, WhatIfRequest request, JsonSerializerOptions options, TimeProvider time, RequestValidation validation, out SyncChange change)
    {
        change = null!;
        if (string.IsNullOrWhiteSpace(request.EventType) || !Contracts.TryGetValue(request.EventType, out var type))
        {
            validation.Add("eventType", $"eventType must be one of {string.Join(", ", Contracts.Keys)}");
            return false;
        }
        if (request.Event is null)
        {
            validation.Add("event", "event is required: the members of the contract, as published on the bus");
            return false;
        }

        var node = (JsonObject)request.Event.DeepClone();
        Default(node, "eventId", Guid.NewGuid().ToString());
        Default(node, "occurredAt", time.GetUtcNow().ToString("O"));
        if (type == typeof(ProspectsImported))
        {
            Default(node, "importId", Guid.NewGuid().ToString());
            Default(node, "prospectIds", new JsonArray(prospectId));
        }
        else
        {
            Default(node, "prospectId", prospectId);
        }

        object message;
        try
        {
            message = node.Deserialize(type, options)!;
        }
        catch (JsonException exception)
        {
            var path = exception.Path is { Length: > 1 } at ? "event" + at[1..] : "event";
            validation.Add(path, exception.Message.Split(". Path:", 2)[0]);
            return false;
        }

        foreach (var problem in ContractValidation.Problems(message))
            validation.Add(MemberOf(problem, type), problem);
        // An event the contract refuses (an undefined kind, no prospect ids) is not classified: it would fall under no rule.
        if (!validation.IsValid)
            return false;
        var found = message switch
        {
            ProspectActivityRecorded activity => ChangeClassifier.Classify(activity),
            ProspectChanged changed => ChangeClassifier.Classify(changed),
            CrmRecordChanged crm => ChangeClassifier.Classify(crm),
            ProspectsImported import => ChangeClassifier.Classify(import).FirstOrDefault(candidate => candidate.ProspectId == prospectId),
            ProspectSyncForced forced => ChangeClassifier.Classify(forced),
            SyncCompleted completed => ChangeClassifier.Classify(completed),
            _ => null,
        };
        if (found?.ProspectId != prospectId)
            validation.Add(type == typeof(ProspectsImported) ? "event.prospectIds" : "event.prospectId",
                $"the event is about another prospect; this is the sync status of prospect {prospectId}");
        if (!validation.IsValid)
            return false;
        change = found!;
        return true;
    }

    /// <summary>
    /// The path of the member a contract problem is about: <see cref="ContractValidation"/> starts every problem with the member's
    /// name ("syncId is required when origin is Sync"); a problem that does not is put under "event" as a whole.
    /// </summary>
    private static string MemberOf(string problem, Type contract)
    {
        var member = problem.Split(' ', 2)[0];
        return contract.GetProperty(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property
            ? "event." + JsonNamingPolicy.CamelCase.ConvertName(property.Name)
            : "event";
    }

    private static void Default(JsonObject node, string member, JsonNode? value)
    {
        if (!node.Any(entry => string.Equals(entry.Key, member, StringComparison.OrdinalIgnoreCase)))
            node[member] = value;
    }
}
