namespace Sync.Clients.Crm;

/// <summary>Error codes the sync handles by name.</summary>
public static class CrmErrorCodes
{
    /// <summary>The record changed after the LastModifiedDate an update named in <see cref="CrmRecord.IfUnmodifiedSince"/>.</summary>
    public const string PreconditionFailed = "PRECONDITION_FAILED";
}
