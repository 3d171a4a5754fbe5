using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Crm;
using Sync.CrmSimulator.Faults;

namespace Sync.CrmSimulator.Extensions;

/// <summary>The "CrmSimulator" configuration section: the org's users, limits, change feed and injected faults.</summary>
public sealed class CrmSimulatorOptions
{
    public const string Section = "CrmSimulator";

    public const string IntegrationUserKey = "Integration";
    public const string SalesUserKey = "Sales";
    public const string AutomatedProcessUserKey = "AutomatedProcess";

    /// <summary>
    /// The org's users by a name of your choice; a request acts as the user whose token it bears. The defaults: the sync's
    /// integration user (token "sync-integration-token"), a sales rep for people and tests (token "sales-user-token"), and
    /// the Automated Process user that commits formula recalculations (no token: nobody signs in as it).
    /// </summary>
    public Dictionary<string, CrmUserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [IntegrationUserKey] = new() { UserId = "005Sy0000000001IAA", Name = "Sync Integration", Token = "sync-integration-token" },
        [SalesUserKey] = new() { UserId = "005Sy0000000002IAA", Name = "Sam Sales", Token = "sales-user-token" },
        [AutomatedProcessUserKey] = new() { UserId = "005Sy0000000000IAA", Name = "Automated Process" },
    };

    public ApiLimitOptions Limits { get; set; } = new();

    public ChangeFeedOptions Feed { get; set; } = new();

    /// <summary>Faults injected from the start; the admin API replaces them at run time.</summary>
    public FaultSettings Faults { get; set; } = new();

    /// <summary>How far the CRM's clock runs ahead of (or, negative, behind) real time until an admin moves it.</summary>
    public TimeSpan ClockOffset { get; set; }
}

public sealed class CrmUserOptions
{
    /// <summary>An 18-character user id (key prefix 005).</summary>
    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The bearer token that signs in as this user; none for users nobody signs in as.</summary>
    public string? Token { get; set; }
}

public sealed class ApiLimitOptions
{
    /// <summary>Charged API calls per CRM day (Salesforce Enterprise starts at 100,000). An admin may change it at run time.</summary>
    [Range(1, int.MaxValue)]
    public int DailyApiRequests { get; set; } = 100_000;

    /// <summary>Requests the API serves at once; more are refused with the concurrent-requests error, which a retry mends.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentRequests { get; set; } = 25;
}

public sealed class ChangeFeedOptions
{
    /// <summary>
    /// How many of the latest changes the feed keeps. A reader whose position fell further behind gets REPLAY_ID_EXPIRED:
    /// changes were lost to it, as with Change Data Capture's 72-hour retention.
    /// </summary>
    [Range(1, 10_000_000)]
    public int RetainedEntries { get; set; } = 100_000;

    [Range(1, 10_000)]
    public int MaxPageSize { get; set; } = 1_000;
}

internal sealed class CrmSimulatorOptionsValidator : IValidateOptions<CrmSimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, CrmSimulatorOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, user) in options.Users)
        {
            if (!SalesforceId.TryNormalize(user.UserId, out var id) || !id.StartsWith("005", StringComparison.Ordinal))
                failures.Add($"{CrmSimulatorOptions.Section}:Users:{key}:UserId must be a 15- or 18-character user id starting with 005.");
            if (user.Token is { Length: 0 })
                failures.Add($"{CrmSimulatorOptions.Section}:Users:{key}:Token must not be empty; leave it out for a user nobody signs in as.");
        }
        foreach (var duplicate in options.Users.Values.Where(user => user.Token is not null).GroupBy(user => user.Token).Where(group => group.Count() > 1))
            failures.Add($"{CrmSimulatorOptions.Section}:Users: {duplicate.Count()} users share one token; each token must sign in as one user.");
        if (!options.Users.ContainsKey(CrmSimulatorOptions.AutomatedProcessUserKey))
            failures.Add($"{CrmSimulatorOptions.Section}:Users:{CrmSimulatorOptions.AutomatedProcessUserKey} is required: it commits formula recalculations.");
        failures.AddRange(Annotated(options.Limits, "Limits"));
        failures.AddRange(Annotated(options.Feed, "Feed"));
        failures.AddRange(options.Faults.Problems().Select(problem => $"{CrmSimulatorOptions.Section}:Faults:{problem}"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Data annotations on nested sections are not checked by ValidateDataAnnotations, so they are checked here, key by key.
    private static IEnumerable<string> Annotated(object section, string key)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true);
        return results.Select(result => $"{CrmSimulatorOptions.Section}:{key}:{string.Join(",", result.MemberNames)}: {result.ErrorMessage}");
    }
}
