using Sync.Contracts;

namespace Sync.ServiceDefaults.Messaging;

/// <summary>
/// Every queue Sync consumes from, named for the operators who watch them in the RabbitMQ management UI.
/// A failed message lands in the queue's "_error" twin with the reason in its headers.
/// </summary>
public static class SyncQueues
{
    /// <summary>Upstream events (activity, prospect and CRM changes, imports) the sync-evaluator decides on.</summary>
    public const string EvaluatorEvents = "sync-evaluator";

    /// <summary>The sync-worker's reports of finished syncs; apart from the events, so a flood of events never delays them.</summary>
    public const string EvaluatorCompletions = "sync-evaluator-completions";

    /// <summary>SyncRequested, drained by the sync-worker into the CRM.</summary>
    public const string Worker = "sync-worker";

    // Plain-JSON entry points, for upstream systems that do not use MassTransit. Each name is both an exchange (fanout) and the
    // queue bound to it: publish one contract per message, as camelCase JSON with enums as strings, content type
    // application/json, to the exchange (any routing key) or to the default exchange with the queue name as routing key.
    // Members marked required in the contract must be there; a message that is not a valid contract lands in the queue's
    // "_error" twin with the reason in its MT-Fault-Message header, and the evaluator goes on with the next.

    /// <summary>Plain-JSON <see cref="ProspectActivityRecorded"/>: {"eventId","prospectId","occurredAt","kind":"FormSubmission",...}.</summary>
    public const string EvaluatorJsonActivity = "sync-evaluator-json-prospect-activity-recorded";

    /// <summary>Plain-JSON <see cref="ProspectChanged"/>: {"eventId","prospectId","occurredAt","kind":"FieldsUpdated","origin":"User",...}.</summary>
    public const string EvaluatorJsonProspectChange = "sync-evaluator-json-prospect-changed";

    /// <summary>Plain-JSON <see cref="CrmRecordChanged"/>: {"eventId","prospectId","occurredAt","objectType":"Lead","crmRecordId","kind":"Updated",...}.</summary>
    public const string EvaluatorJsonCrmChange = "sync-evaluator-json-crm-record-changed";

    /// <summary>Plain-JSON <see cref="ProspectsImported"/>: {"eventId","importId","occurredAt","prospectIds":[...]}, at most 1000 prospects.</summary>
    public const string EvaluatorJsonImport = "sync-evaluator-json-prospects-imported";

    /// <summary>Plain-JSON <see cref="ProspectSyncForced"/>: {"eventId","prospectId","occurredAt","reason"}.</summary>
    public const string EvaluatorJsonForcedSync = "sync-evaluator-json-prospect-sync-forced";
}
