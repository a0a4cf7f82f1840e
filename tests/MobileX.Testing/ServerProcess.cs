using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace MobileX.Testing;

/// <summary>
/// A server process a test starts: its output is kept for failure messages, readiness is a TCP connect, and it is
/// stopped by its own process id (never by name, so parallel runs and a developer's servers are left alone).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ServerProcess> StartAsync(string fileName, IEnumerable<string> arguments, int readyPort, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // Waiting for the exit also drains the redirected output, so the message holds the process's last words.
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"{fileName} exited with {process.ExitCode} before listening on {readyPort}:\n{server.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", readyPort);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(25);
            }
        }

        await server.DisposeAsync();
        throw new TimeoutException($"{fileName} did not listen on {readyPort} in time:\n{server.Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Kills the process (and any children) by id and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
