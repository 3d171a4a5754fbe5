using System.Net.Sockets;

namespace Sync.ServiceDefaults.Tests.Processes;

/// <summary>
/// Listens on a loopback port and relays each connection to a real server: started late, it makes a server "come back" at the
/// address a service was given, without touching the shared test servers.
/// </summary>
public sealed class LoopbackForwarder : LoopbackTcpServer
{
    private readonly string _targetHost;
    private readonly int _targetPort;

    public LoopbackForwarder(int port, string targetHost, int targetPort)
        : base(port)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        Start();
    }

    protected override async Task Serve(TcpClient client, CancellationToken stopping)
    {
        using var server = new TcpClient();
        await server.ConnectAsync(_targetHost, _targetPort, stopping);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var upstream = client.GetStream().CopyToAsync(server.GetStream(), done.Token);
        var downstream = server.GetStream().CopyToAsync(client.GetStream(), done.Token);
        await Task.WhenAny(upstream, downstream);
        await done.CancelAsync();
    }
}
