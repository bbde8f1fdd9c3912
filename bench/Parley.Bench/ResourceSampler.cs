using System.Diagnostics;
using System.Globalization;

namespace Parley.Bench;

/// <summary>
/// Once a second: the server's CPU and RSS (when it runs here), the bench's own CPU, and the whole machine's busy CPU,
/// so a report can tell a slow server from a saturated machine or a CPU-bound bench. CPU is in % of one core
/// (200 % = both cores of the 2-core machine).
/// </summary>
public sealed class ResourceSampler : IAsyncDisposable
{
    private readonly ServerProcess? _server;
    private readonly List<Sample> _samples = [];
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ResourceSampler(ServerProcess? server)
    {
        _server = server;
        _loop = Task.Run(LoopAsync);
    }

    public readonly record struct Sample(double ServerCpu, long ServerRss, double BenchCpu, long BenchRss, double MachineCpu);

    /// <summary>A position in the samples; pass two of them to <see cref="Report"/>.</summary>
    public int Mark()
    {
        lock (_lock) return _samples.Count;
    }

    public void Report(Report report, int from, int to, string prefix = "")
    {
        List<Sample> window;
        lock (_lock) window = _samples.Skip(from).Take(Math.Max(0, to - from)).ToList();
        if (window.Count == 0) return;
        if (_server is not null)
        {
            report.Value($"{prefix}server CPU avg / max", window.Average(s => s.ServerCpu), $"% (max {window.Max(s => s.ServerCpu):0} %)");
            report.Value($"{prefix}server RSS avg / max", window.Average(s => s.ServerRss) / 1048576.0, $"MB (max {window.Max(s => s.ServerRss) / 1048576.0:0} MB)");
        }

        report.Value($"{prefix}bench CPU avg / max", window.Average(s => s.BenchCpu), $"% (max {window.Max(s => s.BenchCpu):0} %)");
        var machine = window.Average(s => s.MachineCpu);
        report.Value($"{prefix}machine CPU busy avg", machine, $"% of {Environment.ProcessorCount * 100} %");
        if (machine > Environment.ProcessorCount * 90)
            report.Note($"{prefix}the machine's CPUs were saturated (server, bench and anything else running share them): latencies include waiting for a core.");
        var bench = window.Average(s => s.BenchCpu);
        if (_server is not null && bench > 50 && bench > window.Average(s => s.ServerCpu))
            report.Note($"{prefix}the bench used more CPU than the server ({bench:0} % vs {window.Average(s => s.ServerCpu):0} %): on this machine the load generator is a large part of the cost.");
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var self = Process.GetCurrentProcess();
        var lastWall = Stopwatch.GetTimestamp();
        var lastServer = SafeServerCpu();
        var lastBench = self.TotalProcessorTime.TotalSeconds;
        var lastMachine = MachineTicks();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var wall = Stopwatch.GetElapsedTime(lastWall).TotalSeconds;
                lastWall = Stopwatch.GetTimestamp();
                var server = SafeServerCpu();
                self.Refresh();
                var bench = self.TotalProcessorTime.TotalSeconds;
                var machine = MachineTicks();
                var busy = machine.Total - lastMachine.Total is > 0 and var total
                    ? (machine.Busy - lastMachine.Busy) / (double)total * 100 * Environment.ProcessorCount
                    : 0;
                var serverCpu = (server - lastServer) / wall * 100;
                var benchCpu = (bench - lastBench) / wall * 100;
                // /proc/stat charges each timer tick to whatever its CPU is doing at that instant, so short bursts of
                // work between two ticks read as idle (the bench's sends start when its timers fire, just after a tick),
                // where a process's own times are its measured run time: the machine was busy at least as long as the
                // server and the bench were.
                busy = Math.Min(Math.Max(busy, serverCpu + benchCpu), Environment.ProcessorCount * 100);
                var sample = new Sample(serverCpu, SafeServerRss(), benchCpu, self.WorkingSet64, busy);
                lastServer = server;
                lastBench = bench;
                lastMachine = machine;
                lock (_lock) _samples.Add(sample);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private double SafeServerCpu()
    {
        try
        {
            return _server?.CpuSeconds() ?? 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private long SafeServerRss()
    {
        try
        {
            return _server?.RssBytes() ?? 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>All CPUs' busy and total jiffies from the first line of /proc/stat.</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + fields[4]; // idle + iowait
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
