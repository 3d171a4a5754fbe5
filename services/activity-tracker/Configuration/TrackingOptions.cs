using System.ComponentModel.DataAnnotations;

namespace Sync.ActivityTracker.Configuration;

/// <summary>The "Tracking" configuration section.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>The largest request body a public tracking endpoint reads; larger ones answer 413.</summary>
    [Range(1024, 16 << 20)]
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How many of a visitor's latest activities are kept (anonymous ones included).</summary>
    [Range(1, 100_000)]
    public int VisitorActivityKept { get; set; } = 200;

    /// <summary>How long a visitor (its link to a prospect, its opt-out and its activity) is kept after it was last written.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Tracking:VisitorActivityKeptFor must be between 00:01:00 and 3650.00:00:00 (ten years).")]
    public TimeSpan VisitorActivityKeptFor { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a tracked link keeps working after it was created or last followed; /r/{code} answers 404 after.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ErrorMessage = "Tracking:LinksKeptFor must be between 00:01:00 and 3650.00:00:00 (ten years).")]
    public TimeSpan LinksKeptFor { get; set; } = TimeSpan.FromDays(730);

    /// <summary>How far ahead of this service's clock a reported occurredAt may be before it is refused.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Tracking:MaxClockAhead must be between 00:00:00 and 1.00:00:00 (a day).")]
    public TimeSpan MaxClockAhead { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The key that signs the tokens of open and unsubscribe links (at least 32 characters; keep it secret). When it is not
    /// set, a key is derived from Sync:ApiKey; set it in production, so that rotating the API key does not invalidate the
    /// links in e-mails already sent. Changing it invalidates every link signed with the old key.
    /// </summary>
    [MinLength(32, ErrorMessage = "Tracking:SigningKey must be at least 32 characters (or left out to derive a key from Sync:ApiKey).")]
    public string? SigningKey { get; set; }

    /// <summary>The cookie the tracking script keeps the visitor id in, read by the /r/{code} redirect.</summary>
    [Required]
    public string VisitorCookie { get; set; } = "sync_visitor";
}
