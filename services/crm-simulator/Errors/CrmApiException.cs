namespace Sync.CrmSimulator.Errors;

/// <summary>A request the CRM refuses as a whole; the API answers it with <see cref="Status"/> and the Salesforce error array.</summary>
public sealed class CrmApiException(int status, CrmApiError error) : Exception(error.Message)
{
    public int Status { get; } = status;

    public CrmApiError Error { get; } = error;
}
