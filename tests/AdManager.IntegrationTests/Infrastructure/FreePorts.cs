using System.Net;
using System.Net.Sockets;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// Loopback ports no other listener holds, each handed out once per test run: a silo's HTTP, silo and gateway ports must
/// differ (two separate "bind port 0, close, use" probes can return the same port, and once did), and the hosts of
/// different tests must not be given each other's.
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Given.Add(port)) return port;
            }
        }
    }
}
