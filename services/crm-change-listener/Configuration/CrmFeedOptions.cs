using System.ComponentModel.DataAnnotations;

namespace Sync.CrmChangeListener.Configuration;

/// <summary>The "CrmFeed" configuration section: how crm-change-listener follows the CRM's change feed.</summary>
public sealed class CrmFeedOptions
{
    public const string Section = "CrmFeed";

    /// <summary>The CRM user the sync writes as: changes it committed are the sync's own and are not echoed back.</summary>
    [Required, RegularExpression("^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$", ErrorMessage = "CrmFeed:IntegrationUserId must be a 15- or 18-character CRM user id (005...).")]
    public string IntegrationUserId { get; set; } = "005Sy0000000001IAA";

    /// <summary>How long to wait before asking again once the listener has read everything.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "CrmFeed:PollInterval must be between 10 ms and 10 minutes.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Changes read, published and acknowledged as one batch.</summary>
    [Range(1, 1000, ErrorMessage = "CrmFeed:BatchSize must be between 1 and 1000.")]
    public int BatchSize { get; set; } = 200;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "CrmFeed:FirstRetryDelay must be between 10 ms and 10 minutes.")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between retries while the CRM, prospect-editor, the broker or Redis is away.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "CrmFeed:MaxRetryDelay must be between 10 ms and an hour.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
