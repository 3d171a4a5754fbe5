using System.Net;
using System.Net.Sockets;

namespace Sync.ServiceDefaults.Tests.Processes;

/// <summary>
/// Listens on a loopback port and relays each connection to a real server: started late, it makes a server "come back" at the
/// address a service was given, without touching the shared test servers.
/// </summary>
public sealed class LoopbackForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackForwarder(int port, string targetHost, int targetPort)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = Accept();
    }

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Relay(client);
        }
    }

    private async Task Relay(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var upstream = client.GetStream().CopyToAsync(server.GetStream(), done.Token);
                var downstream = server.GetStream().CopyToAsync(client.GetStream(), done.Token);
                await Task.WhenAny(upstream, downstream);
                await done.CancelAsync();
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Either side closed: the relay ends with it.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
