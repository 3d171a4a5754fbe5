using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Sync.Testing;

public static class FreePorts
{
    private const int LowestStablePort = 20000;

    private static readonly HashSet<int> StablePortsHandedOut = [];

    /// <summary>A loopback port nothing listens on now; the OS hands out a fresh one each time.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A free loopback port below the OS's ephemeral range, never handed out twice by this process. A service that is stopped
    /// and started again on its port needs one: a port from <see cref="Next"/> may be given, while the service is down, to any
    /// process on the machine that binds port 0 or connects out (the other test assemblies run beside this one), and that
    /// process would then answer in the service's place.
    /// </summary>
    public static int NextStable()
    {
        var ephemeralStart = EphemeralRangeStart();
        lock (StablePortsHandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(LowestStablePort, ephemeralStart);
                if (!StablePortsHandedOut.Contains(port) && IsFree(port))
                {
                    StablePortsHandedOut.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free loopback port between {LowestStablePort} and {ephemeralStart} after 1000 tries.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux says where its range starts; elsewhere the IANA range (macOS, Windows) starts at 49152.
    private static int EphemeralRangeStart()
    {
        const string linuxRange = "/proc/sys/net/ipv4/ip_local_port_range";
        var start = File.Exists(linuxRange)
            ? int.Parse(File.ReadAllText(linuxRange).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture)
            : 49152;
        return start > LowestStablePort + 1000
            ? start
            : throw new InvalidOperationException($"The ephemeral port range starts at {start}, leaving no room for stable ports above {LowestStablePort}.");
    }
}
