using System.Net;
using Sync.Clients.Crm;
using Sync.Clients.ProspectEditor;

namespace Sync.CrmChangeListener.Feed;

/// <summary>
/// The prospect of a changed CRM record: its ProspectId__c, else the prospect with its e-mail address, as prospect-editor
/// knows it. Null only when no prospect has it; prospect-editor failing to answer (a refused key, a wrong address, an
/// outage) throws, so the change is retried rather than skipped for good.
/// </summary>
public sealed partial class FeedProspectFinder(IProspectEditorClient prospects, ILogger<CrmFeedFollower> logger)
{
    /// <param name="byEmail">What this batch already found by e-mail address, so one address is asked for once.</param>
    public async Task<long?> ProspectOf(CrmChange change, Dictionary<string, long?> byEmail, CancellationToken cancellationToken)
    {
        if (change.ProspectId is > 0)
            return change.ProspectId;
        if (string.IsNullOrWhiteSpace(change.Email))
            return null;
        if (!ProspectEmail.IsValid(change.Email))
        {
            // The CRM takes some addresses prospect-editor cannot hold (such as "a..b@"): no prospect has one, no need to ask.
            LogAddressNoProspectCanHold(logger, change.Position);
            return null;
        }
        if (byEmail.TryGetValue(change.Email, out var known))
            return known;
        long? found;
        try
        {
            found = (await prospects.FindByEmail(change.Email, cancellationToken))?.Id;
        }
        catch (ProspectEditorException exception) when (RefusesTheAddress(exception))
        {
            LogProspectLookupRefused(logger, change.Position);
            found = null;
        }
        byEmail[change.Email] = found;
        return found;
    }

    // prospect-editor refuses an address it could not hold with a 400 validation problem naming the "email" member; no
    // prospect has such an address. Any other refusal (a key it does not take, a path it does not serve) is a failure.
    private static bool RefusesTheAddress(ProspectEditorException exception) =>
        exception.Status == HttpStatusCode.BadRequest && exception.Message.Contains("\"email\"", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "prospect-editor refused the e-mail address of CRM change {Position} as not an address; no prospect has it")]
    private static partial void LogProspectLookupRefused(ILogger logger, long position);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "The e-mail address of CRM change {Position} is not one a prospect can have; no prospect has it")]
    private static partial void LogAddressNoProspectCanHold(ILogger logger, long position);
}
