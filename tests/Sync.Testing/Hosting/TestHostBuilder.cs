using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sync.ServiceDefaults.Http;

namespace Sync.Testing.Hosting;

/// <summary>
/// Hosts a service in the test process as its Program.cs hosts it, on real Kestrel at a loopback port, on the lane it is
/// given: every test host of every service is one of these. <see cref="Start"/> can be called again with the same
/// builder, for a restart on the same virtual host, key prefix and settings.
/// </summary>
public sealed class TestHostBuilder
{
    private readonly ServiceRecipe _recipe;
    private readonly TestLane _lane;
    private readonly List<IEnumerable<KeyValuePair<string, string?>>> _settings = [];
    private readonly List<Action<WebApplicationBuilder>> _beforeService = [];
    private readonly List<Action<WebApplicationBuilder>> _afterService = [];
    private readonly List<Action<IBusRegistrationConfigurator>> _testConsumers = [];
    private string? _apiKey;
    private int? _port;
    private string _environment = "Testing";
    private bool _waitForBus = true;

    private TestHostBuilder(ServiceRecipe recipe, TestLane lane)
    {
        _recipe = recipe;
        _lane = lane;
    }

    public static TestHostBuilder For(ServiceRecipe recipe, TestLane lane) => new(recipe, lane);

    /// <summary>Configuration over the lane's; where sources name the same key, the later one wins.</summary>
    public TestHostBuilder WithSettings(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        if (settings is not null)
            _settings.Add(settings);
        return this;
    }

    /// <summary>The service's operator key (Sync:ApiKey), which the host's client then sends.</summary>
    public TestHostBuilder WithApiKey(string apiKey)
    {
        _apiKey = apiKey;
        return this;
    }

    /// <summary>Registrations before the service's own, which its TryAdd registrations then keep (a fake client, a clock).</summary>
    public TestHostBuilder BeforeService(Action<IServiceCollection> register)
    {
        _beforeService.Add(builder => register(builder.Services));
        return this;
    }

    /// <summary>Registrations after the service's own, which they replace (a store that fails on cue, a recording handler).</summary>
    public TestHostBuilder ReplaceServices(Action<IServiceCollection> replace) => ReplaceServices(builder => replace(builder.Services));

    public TestHostBuilder ReplaceServices(Action<WebApplicationBuilder> replace)
    {
        _afterService.Add(replace);
        return this;
    }

    /// <summary>Consumers of the test's own on the service's bus, such as a recorder of what the service published.</summary>
    public TestHostBuilder WithTestConsumers(Action<IBusRegistrationConfigurator> addConsumers)
    {
        _testConsumers.Add(addConsumers);
        return this;
    }

    /// <summary>A fixed port, for a restart that callers must find where they found the service before.</summary>
    public TestHostBuilder AtPort(int port)
    {
        _port = port;
        return this;
    }

    /// <summary>The hosting environment; "Testing" (the default) accepts the public development API key, as Development does.</summary>
    public TestHostBuilder InEnvironment(string environment)
    {
        _environment = environment;
        return this;
    }

    /// <summary>Answers as soon as the host has started, before the bus is up: for a test of what happens while it comes up.</summary>
    public TestHostBuilder WithoutWaitingForTheBus()
    {
        _waitForBus = false;
        return this;
    }

    /// <summary>The settings the service starts with: the lane's, then the API key, then the test's.</summary>
    public IReadOnlyDictionary<string, string?> Settings =>
        TestSettings.Combine([_lane.Settings, ApiKeySetting, .. _settings]).ToDictionary(StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, string?> ApiKeySetting => _apiKey is null ? [] : new() { ["Sync:ApiKey"] = _apiKey };

    /// <summary>Starts the service; once its bus and receive endpoints are up, unless told not to wait.</summary>
    public async Task<TestServiceHost> Start()
    {
        var host = await TestServiceHost.Start(_recipe.Name, Settings, builder =>
        {
            _beforeService.ForEach(register => register(builder));
            _recipe.AddService(builder);
            _afterService.ForEach(replace => replace(builder));
            if (_recipe.HasBus)
                _lane.AddBus(builder, _recipe, bus => _testConsumers.ForEach(add => add(bus)));
        }, _recipe.MapEndpoints, _port, _environment);
        if (_apiKey is not null)
            host.Http.DefaultRequestHeaders.Add(ApiKeyFilter.Header, _apiKey);
        if (_recipe.HasBus && _waitForBus)
            await host.UntilBusReady();
        return host;
    }
}
