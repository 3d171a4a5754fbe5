using System.Net;
using System.Net.Sockets;

namespace Sync.ServiceDefaults.Tests.Processes;

/// <summary>A TCP server on a loopback port that hands each connection to <see cref="Serve"/> until it is disposed.</summary>
public abstract class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    /// <param name="port">The port to listen on; 0 for any free one.</param>
    protected LoopbackTcpServer(int port) => _listener = new TcpListener(IPAddress.Loopback, port);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts listening; a derived class calls it once its own fields are set.</summary>
    protected void Start()
    {
        _listener.Start();
        _accepting = Accept();
    }

    /// <summary>Serves one connection; an exception of a closed connection ends it quietly.</summary>
    protected abstract Task Serve(TcpClient client, CancellationToken stopping);

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
            _ = ServeQuietly(client);
        }
    }

    private async Task ServeQuietly(TcpClient client)
    {
        using (client)
        {
            try
            {
                await Serve(client, _stop.Token);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The other side closed, or the server is stopping: the connection ends with it.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
