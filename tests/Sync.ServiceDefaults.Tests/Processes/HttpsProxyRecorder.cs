using System.Net.Sockets;
using System.Text;

namespace Sync.ServiceDefaults.Tests.Processes;

/// <summary>
/// A loopback "HTTPS proxy" that records where each client asked to be tunnelled (the CONNECT line) and refuses every one:
/// a process told to use it (HTTPS_PROXY) shows each HTTPS call it makes, and nothing leaves the machine.
/// </summary>
public sealed class HttpsProxyRecorder : LoopbackTcpServer
{
    private readonly List<string> _requests = [];

    public HttpsProxyRecorder()
        : base(0) => Start();

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>The first line of each request, such as "CONNECT example.org:443 HTTP/1.1".</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
                return _requests.ToList();
        }
    }

    protected override async Task Serve(TcpClient client, CancellationToken stopping)
    {
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        if (await reader.ReadLineAsync(stopping) is { } requestLine)
        {
            lock (_requests)
                _requests.Add(requestLine);
        }
        await stream.WriteAsync("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), stopping);
    }
}
