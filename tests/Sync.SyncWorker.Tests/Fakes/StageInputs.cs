using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;
using Sync.Contracts;
using Sync.SyncWorker.Batches;
using Sync.SyncWorker.Merging;
using Sync.SyncWorker.Options;
using Sync.SyncWorker.Retry;

namespace Sync.SyncWorker.Tests.Fakes;

/// <summary>What a stage of one batch takes, built the way the stages before it would leave it.</summary>
public static class StageInputs
{
    public static readonly DateTimeOffset Earlier = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ProspectDto Prospect(long id, IReadOnlyDictionary<string, string?>? fields = null, string? crmRecordId = null,
        CrmObjectType? crmObjectType = null, long revision = 1, DateTimeOffset? updatedAt = null) => new()
    {
        Id = id,
        Email = SeedValues.Email(id),
        Fields = fields ?? new Dictionary<string, string?>(),
        CrmRecordId = crmRecordId,
        CrmObjectType = crmObjectType,
        Revision = revision,
        CreatedAt = Earlier,
        UpdatedAt = updatedAt ?? Earlier,
    };

    /// <summary>One prospect of a batch with one request, read as <paramref name="read"/> (or not read yet).</summary>
    public static ProspectSync InBatch(long prospectId, ProspectDto? read = null, long version = 1) =>
        new(prospectId, [new PendingSync(WorkerHost.Request(prospectId, version), 0)]) { Prospect = read };

    public static FieldMerger Merger(FieldMappingOptions? mapping = null)
    {
        mapping ??= new FieldMappingOptions();
        return new FieldMerger(mapping.Rules(), new HashSet<string>([mapping.NewLeadLastName, mapping.NewLeadCompany], StringComparer.Ordinal),
            new SyncWorkerOptions().IntegrationUserId);
    }
}
