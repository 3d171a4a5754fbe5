using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Configuration;

/// <summary>Checks the "CrmSimulator" section at start, naming the key of each problem.</summary>
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
