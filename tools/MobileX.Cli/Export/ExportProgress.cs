using System.Diagnostics;
using System.Globalization;

namespace MobileX.Cli.Export;

/// <summary>
/// Reports an export's progress on stderr: a bar redrawn in place on a terminal (frames done of those listed so far,
/// frames/s, ETA), plain lines every <see cref="CliContext.ProgressInterval"/> otherwise, so logs stay readable.
/// </summary>
internal sealed class ExportProgress : IAsyncDisposable
{
    private static readonly TimeSpan TerminalInterval = TimeSpan.FromMilliseconds(250);

    private readonly CliContext _context;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _listed;
    private long _done;
    private long _skipped;
    private long _bytes;
    private volatile bool _listingComplete;
    private int _lastWidth;

    public ExportProgress(CliContext context)
    {
        _context = context;
        _loop = Task.Run(LoopAsync);
    }

    public long Done => Interlocked.Read(ref _done);

    public long Skipped => Interlocked.Read(ref _skipped);

    public long Bytes => Interlocked.Read(ref _bytes);

    public TimeSpan Elapsed => _watch.Elapsed;

    public void Listed() => Interlocked.Increment(ref _listed);

    public void ListingComplete() => _listingComplete = true;

    public void Written(long bytes)
    {
        Interlocked.Increment(ref _done);
        Interlocked.Add(ref _bytes, bytes);
    }

    public void Skip()
    {
        Interlocked.Increment(ref _done);
        Interlocked.Increment(ref _skipped);
    }

    /// <summary>A line of its own (a skipped frame), without tearing the bar.</summary>
    public void Message(string text)
    {
        lock (_context.Error)
        {
            ClearBar();
            _context.Error.WriteLine(text);
        }
    }

    private async Task LoopAsync()
    {
        var interval = _context.ErrorIsTerminal ? TerminalInterval : _context.ProgressInterval;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Report();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the summary follows.
        }
    }

    private void Report()
    {
        var done = Done;
        var listed = Interlocked.Read(ref _listed);
        var seconds = Math.Max(_watch.Elapsed.TotalSeconds, 0.001);
        var rate = done / seconds;
        var total = _listingComplete ? listed.ToString(CultureInfo.InvariantCulture) : $"{listed}+";
        var eta = _listingComplete && rate > 0 ? Format(TimeSpan.FromSeconds((listed - done) / rate)) : "?";
        lock (_context.Error)
        {
            if (_context.ErrorIsTerminal)
            {
                const int width = 30;
                var filled = listed == 0 ? 0 : (int)(width * Math.Min(1.0, (double)done / listed));
                var bar = string.Create(CultureInfo.InvariantCulture,
                    $"[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} frames  {rate:0.0} frames/s  ETA {eta}");
                _context.Error.Write("\r" + bar.PadRight(_lastWidth));
                _lastWidth = bar.Length;
            }
            else
            {
                _context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"export: {done}/{total} frames, {rate:0.0} frames/s, ETA {eta}, {Skipped} skipped"));
            }

            _context.Error.Flush();
        }
    }

    private void ClearBar()
    {
        if (_context.ErrorIsTerminal && _lastWidth > 0)
        {
            _context.Error.Write("\r" + new string(' ', _lastWidth) + "\r");
            _lastWidth = 0;
        }
    }

    public static string Format(TimeSpan span) => span.TotalHours >= 1
        ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
        : span.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        lock (_context.Error)
        {
            ClearBar();
        }

        _stop.Dispose();
    }
}
