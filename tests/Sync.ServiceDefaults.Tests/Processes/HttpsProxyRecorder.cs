using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sync.ServiceDefaults.Tests.Processes;

/// <summary>
/// A loopback "HTTPS proxy" that records where each client asked to be tunnelled (the CONNECT line) and refuses every one:
/// a process told to use it (HTTPS_PROXY) shows each HTTPS call it makes, and nothing leaves the machine.
/// </summary>
public sealed class HttpsProxyRecorder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];
    private readonly Task _accepting;

    public HttpsProxyRecorder()
    {
        _listener.Start();
        _accepting = Accept();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>The first line of each request, such as "CONNECT example.org:443 HTTP/1.1".</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToList();
        }
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
            _ = Refuse(client);
        }
    }

    private async Task Refuse(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(_stop.Token);
                if (requestLine is not null)
                {
                    lock (_requests)
                        _requests.Add(requestLine);
                }
                await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException)
            {
                // The client went away first: its request line, if any, is recorded.
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
