using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sync.ServiceDefaults.Settings;

public static partial class StartupSettingsCheck
{
    /// <summary>
    /// Checks every setting before anything starts (the bus, the Redis connection, Kestrel). On a bad one it logs one line per
    /// bad key (the key, what is wrong, the form expected), flushes the log and returns false: Program.cs then exits with 1,
    /// with no stack trace and nothing started that would have to be stopped.
    /// </summary>
    public static bool HasValidSettings(this WebApplication app)
    {
        var problems = Problems(app.Services, app.Configuration);
        if (problems.Count == 0)
            return true;

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sync.Settings");
        foreach (var problem in problems)
            LogBadSetting(logger, problem);
        // Disposing the host flushes the console logger's queue; nothing else was started.
        ((IDisposable)app).Dispose();
        return false;
    }

    /// <summary>Every bad setting, one sentence each: values that do not convert first (the binder would throw on them), then each rule.</summary>
    public static IReadOnlyList<string> Problems(IServiceProvider services, IConfiguration configuration)
    {
        var unconvertible = services.GetServices<SettingsSection>()
            .SelectMany(section => SettingProblems.OfConversion(configuration, section.Path, section.OptionsType))
            .Distinct().ToList();
        if (unconvertible.Count > 0)
            return unconvertible;
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException failure)
        {
            return failure.Failures.ToList();
        }
        catch (AggregateException failures) when (failures.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            return failures.InnerExceptions.Cast<OptionsValidationException>().SelectMany(failure => failure.Failures).Distinct().ToList();
        }
        catch (InvalidOperationException failure)
        {
            // A section bound without BindSettings: the binder's own sentence names the key, the value and the type.
            return [failure.Message];
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "Not starting: {Problem}")]
    private static partial void LogBadSetting(ILogger logger, string problem);
}
