using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Sync.ActivityTracker.Configuration;
using Sync.ActivityTracker.Tracking;
using Sync.ServiceDefaults.Http;

namespace Sync.ActivityTracker.Apis;

/// <summary>The checks and answers the tracking endpoints share: ids, addresses, when it happened, an unknown prospect.</summary>
internal static partial class TrackingRequestChecks
{
    private const int MaxUrlLength = 2048;

    public static ProblemHttpResult UnknownProspect(long prospectId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Prospect not found", detail: $"No prospect has id {prospectId}.",
            extensions: new Dictionary<string, object?> { ["member"] = "prospectId", ["prospectId"] = prospectId });

    /// <summary>202 with what was recorded, and no Location: an activity has no address of its own.</summary>
    public static Accepted<ActivityAccepted> AcceptedActivity(ActivityAccepted accepted) => TypedResults.Accepted((string?)null, accepted);

    public static void VisitorId(string? visitorId, string member, RequestValidation validation) =>
        validation.Require(visitorId is not null && IdPattern().IsMatch(visitorId), member,
            "The visitor id (the tracking cookie) is 1 to 128 letters, digits, '.', '_' or '-'.");

    public static string? Url(string? url, string member, bool required, RequestValidation validation)
    {
        if (url is null)
        {
            if (required)
                validation.Add(member, "An absolute http or https address is required.");
            return null;
        }
        var valid = url.Length <= MaxUrlLength && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https";
        validation.Require(valid, member, $"An absolute http or https address of at most {MaxUrlLength} characters.");
        return valid ? url : null;
    }

    /// <summary>An e-mail's id: what the open and unsubscribe links name it by.</summary>
    public static void EmailId(string? emailId, string member, RequestValidation validation) =>
        validation.Require(emailId is not null && IdPattern().IsMatch(emailId), member, "An id of 1 to 128 letters, digits, '.', '_' or '-'.");

    public static DateTimeOffset OccurredAt(DateTimeOffset? reported, TimeProvider time, TrackingOptions options, RequestValidation validation)
    {
        var now = time.GetUtcNow();
        if (reported is not { } value)
            return now;
        validation.Require(value <= now + options.MaxClockAhead && value > now.AddYears(-1), "occurredAt",
            "When it happened: not in the future, not more than a year ago.");
        return value;
    }

    // Visitor ids and the ids of forms, form handlers and e-mails share one shape.
    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    public static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9]{4,32}$")]
    public static partial Regex LinkCode();
}
