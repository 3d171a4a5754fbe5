using System.Net;

namespace Sync.Clients.Crm;

/// <summary>The CRM refused the request itself (not one record of it): retrying the same request will fail again.</summary>
public sealed class CrmRequestException(string message, IReadOnlyList<CrmError> errors, HttpStatusCode? status = null) : Exception(message)
{
    public IReadOnlyList<CrmError> Errors { get; } = errors;

    /// <summary>The answer's status; 401 and 403 mean the CRM refused this client's credentials, whatever was asked.</summary>
    public HttpStatusCode? Status { get; } = status;
}
