using Microsoft.Extensions.Options;
using Sync.Rules;
using Sync.SyncEvaluator.Storage;
using EvaluatorExtensions = Sync.SyncEvaluator.Extensions.Extensions;

namespace Sync.SyncEvaluator.Configuration;

/// <summary>Fails start-up with the key at fault when the "SyncState" section would make the sync state misbehave.</summary>
internal sealed class SyncStateSettingsValidation : IValidateOptions<SyncStateSettings>
{
    public ValidateOptionsResult Validate(string? name, SyncStateSettings settings)
    {
        var failures = new List<string>();
        void Duration(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
                failures.Add($"{EvaluatorExtensions.SyncStateSection}:{key} must be a positive duration, such as 00:00:30 (it is {value}).");
            else if (value.Ticks % TimeSpan.TicksPerMillisecond != 0)
                failures.Add($"{EvaluatorExtensions.SyncStateSection}:{key} must be a whole number of milliseconds (it is {value}); the sync state keeps milliseconds.");
        }

        Duration(settings.MaxClockSkew, nameof(settings.MaxClockSkew));
        Duration(settings.PublishGrace, nameof(settings.PublishGrace));
        Duration(settings.Lease, nameof(settings.Lease));
        Duration(settings.MaxLease, nameof(settings.MaxLease));
        Duration(settings.DedupeWindow, nameof(settings.DedupeWindow));
        Duration(settings.RelayInterval, nameof(settings.RelayInterval));
        Duration(settings.DecisionsRetention, nameof(settings.DecisionsRetention));
        if (settings.MaxLease < settings.Lease)
            failures.Add($"{EvaluatorExtensions.SyncStateSection}:MaxLease ({settings.MaxLease}) must not be shorter than {EvaluatorExtensions.SyncStateSection}:Lease ({settings.Lease}).");
        // The lease end of an outstanding sync then only ever moves later, which the dispatcher's schedule overwrite relies on.
        if (settings.Lease < settings.PublishGrace)
            failures.Add($"{EvaluatorExtensions.SyncStateSection}:Lease ({settings.Lease}) must not be shorter than {EvaluatorExtensions.SyncStateSection}:PublishGrace ({settings.PublishGrace}).");
        if (settings.DecisionsKept is < 1 or > 10_000)
            failures.Add($"{EvaluatorExtensions.SyncStateSection}:DecisionsKept must be between 1 and 10000 (it is {settings.DecisionsKept}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
