using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Settings;

public static class SettingsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to its configuration section and checks it at start: a value that does not convert,
    /// and every data-annotation rule, fail naming the full key ("RabbitMq:Port") and the form expected.
    /// </summary>
    public static OptionsBuilder<TOptions> BindSettings<TOptions>(this OptionsBuilder<TOptions> options, string section)
        where TOptions : class
    {
        options.Services.AddSingleton(new SettingsSection(section, typeof(TOptions)));
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new SettingsValidation<TOptions>(section)));
        return options.BindConfiguration(section).ValidateOnStart();
    }
}

/// <summary>One configuration section bound to an options type, so a bad value in it can be named before the binder throws.</summary>
public sealed record SettingsSection(string Path, Type OptionsType);
