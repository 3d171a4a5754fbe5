using MassTransit;
using Microsoft.AspNetCore.Builder;
using Sync.Testing.Hosting;

namespace Sync.ServiceDefaults.Tests.Hosting;

/// <summary>A service of nothing but what every service shares (AddServiceDefaults, AddSyncBus), with what a test gives it.</summary>
internal static class BareService
{
    /// <summary>No bus; the test's endpoints beside the default ones.</summary>
    public static ServiceRecipe Serving(Action<WebApplication> mapEndpoints) => new("defaults", _ => { }, AddConsumers: null, mapEndpoints);

    public static ServiceRecipe Alone { get; } = Serving(_ => { });

    /// <summary>The shared bus with the test's consumers (none: a publisher), and no endpoints of its own.</summary>
    public static ServiceRecipe OnTheBus(string name, Action<IBusRegistrationConfigurator>? addConsumers = null) =>
        new(name, _ => { }, addConsumers ?? (_ => { }), _ => { });
}
