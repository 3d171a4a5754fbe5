using System.Text.Json.Serialization;

namespace Sync.ActivityTracker.Storage;

[JsonConverter(typeof(JsonStringEnumConverter<TrackedLinkKind>))]
public enum TrackedLinkKind
{
    /// <summary>A custom redirect: a tracked link placed on a page, an ad or a social post.</summary>
    CustomRedirect,

    /// <summary>A tracked link in an e-mail sent to the prospect.</summary>
    EmailLink,
}
