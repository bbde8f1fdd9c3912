using System.Diagnostics;

namespace Parley.Bench.Idle;

/// <summary>
/// N visitors connect to <c>/hubs/visitor</c>, join (as a new anonymous visitor each, the widget's first visit) and
/// stay idle. Measures the time to connect them all, each one's connect + Join latency, and the server's RSS growth
/// per connection: RSS after a settle period with nothing connected, then again after everyone is connected and the
/// server had the same settle period (no forced GC: what the operating system sees). A warm-up round first connects,
/// joins and closes <c>--warmup-visitors</c> visitors, so that what a first connection costs once (compiled code,
/// caches, the runtime's tiered recompilation of the hot path) is in the "before" figure and not charged to every
/// connection.
/// </summary>
public sealed class IdleScenario : IScenario
{
    public async Task RunAsync(BenchArgs args, Report report, CancellationToken ct)
    {
        var count = args.Number("visitors", 10000);
        var concurrency = args.Number("connect-concurrency", 100);
        var settle = TimeSpan.FromSeconds(args.Fraction("settle", 10));
        var hold = TimeSpan.FromSeconds(args.Fraction("hold", 0));
        var warmup = Math.Min(count, args.Number("warmup-visitors", 500));

        var limit = FileLimit.Ensure(count + 200);
        if (limit is { } l && l < count + 200)
            report.Error("open-file limit too low", $"ulimit -n is {l} (hard limit); {count} connections need about {count + 200}. Raise it: ulimit -n {count + 1000}");

        string channel;
        if (args.Get("channel") is { } given) channel = given;
        else
        {
            using var owner = await ParleyApi.SignInOwnerAsync(args, ct);
            channel = await owner.WidgetTokenAsync(ct);
        }

        var server = ServerProcess.Find(args);
        if (server is null) report.Note("the server process was not found on this machine (--server-pid): no RSS figures.");
        await using var sampler = new ResourceSampler(server);
        var self = Process.GetCurrentProcess();

        // Connects and joins visitors into the slots, --connect-concurrency at a time; indexes from `first` make each one a new visitor.
        async Task ConnectAsync(BenchVisitor?[] slots, int first, Latency? latency) =>
            await Many.ForEachAsync(slots.Length, concurrency, async (i, c) =>
            {
                try
                {
                    var (visitor, ms) = await BenchVisitor.ConnectAsync(args.Url, channel, first + i, null, c);
                    slots[i] = visitor;
                    latency?.Add(ms);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    report.Error((latency is null ? "warm-up " : "") + "visitor connect failed: " + e.GetType().Name, e.Message);
                }
            }, ct);

        var warm = new BenchVisitor?[warmup];
        try
        {
            await ConnectAsync(warm, count, null);
        }
        finally
        {
            await Many.DisposeAllAsync(warm);
        }

        if (warmup > 0) report.Value("warm-up", warmup, "visitors connected, joined and closed before the measure");
        await Task.Delay(settle, ct);
        var rssBefore = server?.RssBytes() ?? 0;
        self.Refresh();
        var benchBefore = self.WorkingSet64;

        var visitors = new BenchVisitor?[count];
        var connect = new Latency();
        var started = Stopwatch.GetTimestamp();
        var connectFrom = sampler.Mark();
        try
        {
            await ConnectAsync(visitors, 0, connect);
            var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var connectTo = sampler.Mark();
            var connected = visitors.Count(v => v is not null);

            await Task.Delay(settle, ct);
            var rssAfter = server?.RssBytes() ?? 0;
            self.Refresh();
            var benchAfter = self.WorkingSet64;
            var stillOpen = visitors.Count(v => v?.Hub.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected);

            report.Latency("visitor connect + Join", connect);
            report.Value("visitors connected", connected, $"of {count}");
            report.Value("time to connect all", connectSeconds, $"s ({connected / connectSeconds:0} connections/s, {concurrency} at a time)");
            report.Value($"still connected after {settle.TotalSeconds:0} s idle", stillOpen, "");
            if (stillOpen < connected) report.Error("connections dropped while idle", $"{connected - stillOpen} of {connected}");
            if (server is not null)
            {
                report.Value("server RSS before", rssBefore / 1048576.0, "MB");
                report.Value("server RSS after", rssAfter / 1048576.0, "MB");
                if (connected > 0) report.Value("server RSS growth per connection", (rssAfter - rssBefore) / (double)connected, "bytes");
            }

            if (connected > 0) report.Value("bench RSS growth per connection", (benchAfter - benchBefore) / (double)connected, "bytes (the client side, for comparison)");
            sampler.Report(report, connectFrom, connectTo, "while connecting: ");
            sampler.Report(report, connectTo, sampler.Mark(), "idle: ");
            if (hold > TimeSpan.Zero) await Task.Delay(hold, ct);
        }
        finally
        {
            await Many.DisposeAllAsync(visitors);
        }
    }
}
