using System.Net.Sockets;

namespace Chatbot.DeploymentTests.Support;

public static class FreePort
{
    /// <summary>A loopback port free right now (the OS picks it; a process started next binds it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True when a TCP connection to 127.0.0.1:<paramref name="port"/> is refused.</summary>
    public static async Task<bool> IsRefusedAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (SocketException)
        {
            // Reset while the listener was closing, for example: not a refusal (yet).
            return false;
        }
    }
}
