using MassTransit;
using Sync.ServiceDefaults.Observability;

namespace Sync.ProspectEditor.Extensions;

public static class Extensions
{
    public const string ActivitySourceName = "Sync.ProspectEditor";

    /// <summary>Registers prospect-editor's own services; its consumers are added by <see cref="AddProspectEditorConsumers"/>.</summary>
    public static IHostApplicationBuilder AddProspectEditor(this IHostApplicationBuilder builder)
    {
        builder.AddServiceTelemetry(ActivitySourceName);
        return builder;
    }

    public static IBusRegistrationConfigurator AddProspectEditorConsumers(this IBusRegistrationConfigurator bus) => bus;
}
