using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Settings;

/// <summary>The data annotations of an options type, each failure naming the full key rather than the property alone.</summary>
internal sealed class SettingsValidation<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = SettingProblems.OfValues(section, options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
