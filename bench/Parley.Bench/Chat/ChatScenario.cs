using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Parley.Bench.Chat;

/// <summary>
/// V visitors each open a conversation, M managers accept them (each new conversation goes to the manager it hashes to;
/// a lost race, 409, is normal), then the visitors send at a total rate R for a warm-up W and a measured D seconds.
/// Measures visitor → manager (Send until the first manager's <c>messageAdded</c>), the acknowledgement (Send until it
/// returns, i.e. committed), manager → visitor (every Nth message is answered; Send until the visitor's <c>message</c>),
/// throughput, errors and the server's CPU and RSS. Afterwards every acknowledged message must be in its conversation.
/// With <c>--find-max true</c> it steps the rate up and reports the highest one that keeps p99 visitor → manager under
/// the target with no errors.
/// </summary>
public sealed class ChatScenario : IScenario
{
    // Realistic lengths (a few words to a paragraph) in the languages of the demo company's clients.
    private static readonly string[] VisitorTexts =
    [
        "Добрий день! Де моє замовлення?",
        "Hello, I have a question about delivery to Lviv.",
        "Чи можна оплатити карткою при отриманні? І скільки коштує доставка Новою поштою до Харкова?",
        "Dzień dobry, czy mogę zwrócić towar po 14 dniach?",
        "ok",
        "I ordered two pairs of shoes last week (order 48213) but only one arrived. The box looked opened. What should I do? I can send photos.",
        "Дякую!",
        "Коли буде в наявності розмір 42? Я вже тиждень чекаю, а на сайті досі написано «незабаром».",
        "Can I change the delivery address? I will be away on Friday.",
        "Скажіть, будь ласка, чи є у вас гуртові ціни для магазинів? Нас цікавить партія від 50 штук, доставка до Одеси, оплата на рахунок ФОП.",
    ];

    private static readonly string[] ReplyTexts =
    [
        "Вітаю! Зараз перевірю.",
        "Thank you for waiting, your order is on its way and should arrive tomorrow.",
        "Так, можна. Оплата при отриманні доступна для всіх відділень.",
        "Let me check that with the warehouse, one moment please.",
    ];

    private readonly ConcurrentDictionary<string, Pending> _awaitingManager = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Pending> _awaitingVisitor = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, bool> _accepted = new();
    private readonly Dictionary<Guid, BenchManager> _managersById = [];
    private BenchManager[] _managers = [];
    private BenchVisitor[] _visitors = [];
    private Report _report = null!;
    private TimeSpan _seenTimeout;
    private TimeSpan _ackTimeout;
    private int _replyEvery;
    private int _managerCount;
    private double _settleLimit;
    private bool _errorsAreStepResults;
    private long _seq;
    private long _replySeq;
    private long _ackedTotal;
    private int _inFlight;
    private int _acceptConflicts;

    public async Task RunAsync(BenchArgs args, Report report, CancellationToken ct)
    {
        _report = report;
        var visitorCount = args.Number("visitors", 2000);
        var managerCount = _managerCount = Math.Max(1, args.Number("managers", 20));
        _replyEvery = Math.Max(1, args.Number("reply-every", 10));
        _seenTimeout = TimeSpan.FromSeconds(args.Fraction("timeout", 5));
        _ackTimeout = TimeSpan.FromSeconds(args.Fraction("ack-timeout", 10));
        var concurrency = args.Number("connect-concurrency", 100);
        _settleLimit = args.Fraction("settle-limit", 180);

        using var owner = await ParleyApi.SignInOwnerAsync(args, ct);
        var channel = args.Get("channel") ?? await owner.WidgetTokenAsync(ct);
        var managerPassword = args.Get("manager-password") ?? args.Get("password")!;
        await BenchManager.EnsureExistAsync(owner, managerCount, managerPassword, ct);

        await using var sampler = new ResourceSampler(ServerProcess.Find(args));
        using var sweeping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sweeper = Task.Run(() => SweepAsync(sweeping.Token), CancellationToken.None);
        try
        {
            await ConnectManagersAsync(args.Url, managerCount, managerPassword, ct);
            await ConnectVisitorsAsync(args.Url, channel, visitorCount, concurrency, ct);
            await OpenConversationsAsync(ct);

            var findMax = args.Get("find-max") is "true" or "1" or "yes";
            await WarmUpServerAsync(args, findMax ? Steps(args)[0] : args.Fraction("rate", 2000), sampler, ct);
            if (findMax)
                await FindMaxAsync(args, sampler, ct);
            else
                await MeasureAsync(args, sampler, ct);

            await VerifyCommittedAsync(owner, args.Get("verify", "all"), ct);
        }
        finally
        {
            await sweeping.CancelAsync();
            await sweeper;
            await Many.DisposeAllAsync(_visitors);
            await Many.DisposeAllAsync(_managers);
        }
    }

    private async Task MeasureAsync(BenchArgs args, ResourceSampler sampler, CancellationToken ct)
    {
        var rate = args.Fraction("rate", 2000);
        await SettleAsync("", ct);
        var step = await RunRateAsync(rate, TimeSpan.FromSeconds(args.Fraction("warmup", 10)), TimeSpan.FromSeconds(args.Fraction("duration", 60)), sampler, ct);
        var m = step.Measured;
        _report.Latency("visitor → manager (messageAdded)", m.VisitorToManager);
        _report.Latency("ack (visitor Send returned, committed)", m.Ack);
        _report.Latency("manager → visitor (reply delivered)", m.ManagerToVisitor);
        _report.Latency("bench: send behind schedule", m.Lag);
        _report.Value("target rate", rate, "msg/s");
        _report.Value("throughput (acked in the measured window)", step.Throughput, "msg/s");
        _report.Value("messages sent (warm-up + measured)", step.Warmup.Sent + m.Sent, "");
        _report.Value("messages acked (warm-up + measured)", step.Warmup.Acked + m.Acked, "");
        _report.Value("manager replies sent", step.Warmup.Replies + m.Replies, "");
        sampler.Report(_report, step.SamplesFrom, step.SamplesTo);
        if (m.Lag.Summarize().P99 > 20)
            _report.Note("the bench fell behind its send schedule (p99 > 20 ms): the load generator could not keep the rate; see the CPU lines.");
    }

    /// <summary>
    /// Load that is not measured, before the first measured window: a freshly started server runs its hot path as
    /// quickly compiled code and recompiles it optimised once it is called often (tiered compilation). At 300 msg/s
    /// that took about 17 s, with the server using twice the CPU per message until it was done (dotnet-counters:
    /// 400–1,900 methods compiled a second, then under 100) — a step measured then measures the compiler.
    /// </summary>
    private async Task WarmUpServerAsync(BenchArgs args, double firstRate, ResourceSampler sampler, CancellationToken ct)
    {
        var seconds = args.Fraction("server-warmup", 30);
        if (seconds <= 0) return;
        var rate = Math.Min(firstRate, args.Fraction("server-warmup-rate", 200));
        await SettleAsync("before the server warm-up: ", ct);
        var step = await RunRateAsync(rate, TimeSpan.FromSeconds(seconds), TimeSpan.Zero, sampler, ct);
        _report.Value("server warm-up (not measured)", seconds, $"s at {rate:0} msg/s, {step.Warmup.Acked} acked, {step.Warmup.Errors} errors{step.Warmup.Kinds()}");
    }

    private static double[] Steps(BenchArgs args) =>
        [.. args.Get("steps", "250,500,1000,1500,2000,3000,4000,5000").Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture))];

    /// <summary>Short steps at rising rates; stops at the first step that misses the target.</summary>
    private async Task FindMaxAsync(BenchArgs args, ResourceSampler sampler, CancellationToken ct)
    {
        _errorsAreStepResults = true;
        var rates = Steps(args);
        var target = args.Fraction("target-p99", 50);
        var warmup = TimeSpan.FromSeconds(args.Fraction("step-warmup", args.Fraction("warmup", 3)));
        var duration = TimeSpan.FromSeconds(args.Fraction("step-duration", args.Fraction("duration", 10)));
        double best = 0;
        foreach (var rate in rates)
        {
            await SettleAsync($"@{rate:0}/s ", ct);
            var step = await RunRateAsync(rate, warmup, duration, sampler, ct);
            var errors = step.Warmup.Errors + step.Measured.Errors;
            var p99 = step.Measured.VisitorToManager.Summarize().P99;
            var label = $"@{rate:0}/s";
            _report.Latency($"{label} visitor → manager", step.Measured.VisitorToManager);
            _report.Latency($"{label} ack", step.Measured.Ack);
            _report.Latency($"{label} manager → visitor", step.Measured.ManagerToVisitor);
            _report.Value($"{label} throughput", step.Throughput, $"msg/s, {errors} errors{step.Warmup.Kinds()}{step.Measured.Kinds()}");
            sampler.Report(_report, step.SamplesFrom, step.SamplesTo, $"{label} ");
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "step {0}: throughput {1:0}/s, p99 visitor → manager {2:0.0} ms, {3} errors", label, step.Throughput, p99, errors));
            if (errors > 0 || !(p99 < target)) break;
            best = rate;
        }

        _report.Value($"highest rate with p99 < {target:0} ms and no errors", best, "msg/s");
        _errorsAreStepResults = false;
    }

    private sealed record StepResult(Window Warmup, Window Measured, double Throughput, int SamplesFrom, int SamplesTo);

    /// <summary>
    /// Sends at <paramref name="rate"/> messages per second in total, round-robin over the visitors, from a schedule (the
    /// n-th message is due at n / rate seconds; a timer tick sends whatever is due), so a slow answer never slows the
    /// sending down. Then waits for what is still on its way.
    /// </summary>
    private async Task<StepResult> RunRateAsync(double rate, TimeSpan warmup, TimeSpan duration, ResourceSampler sampler, CancellationToken ct)
    {
        var warm = new Window();
        var measured = new Window();
        var total = warmup + duration;
        var start = Stopwatch.GetTimestamp();
        long sent = 0;
        long measureStart = 0, ackedAtStart = 0;
        var samplesFrom = -1;
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(2)))
        {
            while (true)
            {
                var elapsed = Stopwatch.GetElapsedTime(start);
                if (elapsed >= total) break;
                if (elapsed >= warmup && samplesFrom < 0)
                {
                    samplesFrom = sampler.Mark();
                    measureStart = Stopwatch.GetTimestamp();
                    ackedAtStart = Interlocked.Read(ref _ackedTotal);
                }

                // Message n is due at n / rate s: all with n <= elapsed * rate are due now.
                var due = Math.Min((long)(elapsed.TotalSeconds * rate) + 1, (long)(total.TotalSeconds * rate));
                for (; sent < due; sent++)
                {
                    var dueAt = sent / rate;
                    var window = dueAt < warmup.TotalSeconds ? warm : measured;
                    window.Lag.Add(Math.Max(0, (elapsed.TotalSeconds - dueAt) * 1000));
                    _ = SendAsync(_visitors[(int)(sent % _visitors.Length)], window);
                }

                await timer.WaitForNextTickAsync(ct);
            }
        }

        var seconds = Stopwatch.GetElapsedTime(measureStart).TotalSeconds;
        var throughput = (Interlocked.Read(ref _ackedTotal) - ackedAtStart) / seconds;
        var samplesTo = sampler.Mark();
        await DrainAsync(ct);
        return new StepResult(warm, measured, throughput, samplesFrom, samplesTo);
    }

    private async Task SendAsync(BenchVisitor visitor, Window window, bool reply = false)
    {
        var seq = Interlocked.Increment(ref _seq);
        var id = "b" + seq.ToString(CultureInfo.InvariantCulture);
        var pending = new Pending(window, Stopwatch.GetTimestamp(), reply || seq % _replyEvery == 0);
        _awaitingManager[id] = pending;
        Interlocked.Increment(ref window.Sent);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var ack = await visitor.Hub.InvokeAsync<VisitorMessageDto>("Send", new SendRequest(VisitorTexts[seq % VisitorTexts.Length], id)).WaitAsync(_ackTimeout);
            window.Ack.AddSince(pending.Start);
            visitor.Acked(id);
            if (ack.ConversationId != visitor.ConversationId)
                Fail(window, "acknowledged in another conversation than the visitor's", $"{id}: {ack.ConversationId}, expected {visitor.ConversationId}");
            Interlocked.Increment(ref window.Acked);
            Interlocked.Increment(ref _ackedTotal);
        }
        catch (TimeoutException)
        {
            // Maybe committed later: the manager side still decides whether it was seen.
            Fail(window, $"ack timeout (Send did not return within {_ackTimeout.TotalSeconds:0} s)", id);
        }
        catch (Exception e)
        {
            _awaitingManager.TryRemove(id, out _);
            Fail(window, "visitor Send failed: " + Reason(e), $"{id}: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private void OnMessageAdded(BenchManager manager, ConversationDto conversation, MessageDto message)
    {
        if (message.ClientMessageId is not { } id || !_awaitingManager.TryRemove(id, out var pending)) return;
        pending.Window.VisitorToManager.AddSince(pending.Start);
        if (pending.Reply)
        {
            var assignee = conversation.AssigneeId is { } a && _managersById.TryGetValue(a, out var m) ? m : manager;
            _ = ReplyAsync(assignee, conversation.Id, pending.Window);
        }
    }

    private async Task ReplyAsync(BenchManager manager, Guid conversationId, Window window)
    {
        var seq = Interlocked.Increment(ref _replySeq);
        var marker = "r" + seq.ToString(CultureInfo.InvariantCulture);
        _awaitingVisitor[marker] = new Pending(window, Stopwatch.GetTimestamp(), false);
        try
        {
            await manager.Hub.InvokeAsync<MessageDto>("Send", conversationId, marker + " " + ReplyTexts[seq % ReplyTexts.Length], "m-" + marker, false)
                .WaitAsync(_ackTimeout);
            Interlocked.Increment(ref window.Replies);
        }
        catch (Exception e)
        {
            _awaitingVisitor.TryRemove(marker, out _);
            Fail(window, "manager Send failed: " + Reason(e), $"{marker} in {conversationId}: {e.Message}");
        }
    }

    private void OnVisitorMessage(BenchVisitor visitor, VisitorMessageDto message)
    {
        if (message.Author != "manager" || message.Text is not { Length: > 1 } text || text[0] != 'r') return;
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && _awaitingVisitor.TryRemove(text[..space], out var pending)) pending.Window.ManagerToVisitor.AddSince(pending.Start);
    }

    /// <summary>What was not seen in time is an error, once.</summary>
    private async Task SweepAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) Sweep();
        }
        catch (OperationCanceledException)
        {
        }

        Sweep();
    }

    private void Sweep()
    {
        var limit = (long)(_seenTimeout.TotalSeconds * Stopwatch.Frequency);
        var now = Stopwatch.GetTimestamp();
        foreach (var (id, p) in _awaitingManager)
        {
            if (now - p.Start > limit && _awaitingManager.TryRemove(id, out _))
                Fail(p.Window, $"visitor message not seen by a manager within {_seenTimeout.TotalSeconds:0} s", id);
        }

        foreach (var (marker, p) in _awaitingVisitor)
        {
            if (now - p.Start > limit && _awaitingVisitor.TryRemove(marker, out _))
                Fail(p.Window, $"manager reply not seen by the visitor within {_seenTimeout.TotalSeconds:0} s", marker);
        }
    }

    /// <summary>After the sending stops: until every answer arrived or timed out.</summary>
    private async Task DrainAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((_ackTimeout + _seenTimeout).TotalSeconds * Stopwatch.Frequency);
        while ((Volatile.Read(ref _inFlight) > 0 || !_awaitingManager.IsEmpty || !_awaitingVisitor.IsEmpty) && Stopwatch.GetTimestamp() < deadline)
            await Task.Delay(50, ct);
        Sweep();
    }

    private async Task ConnectManagersAsync(Uri url, int count, string password, CancellationToken ct)
    {
        var managers = new BenchManager?[count];
        await Many.ForEachAsync(count, 10, async (i, c) =>
        {
            try
            {
                managers[i] = await BenchManager.ConnectAsync(url, i, password, Wire, c);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _report.Error("manager connect failed", $"{BenchManager.Email(i)}: {e.Message}");
            }
        }, ct);
        _managers = [.. managers.OfType<BenchManager>()];
        foreach (var m in _managers) _managersById[m.MemberId] = m;
        if (_managers.Length == 0) throw new InvalidOperationException("No manager could connect to /hubs/team.");
    }

    private void Wire(BenchManager manager)
    {
        manager.Hub.On<ConversationDto, string>("conversationChanged", (c, change) =>
        {
            if (change == "accepted") _accepted.TryAdd(c.Id, true);
            else if (change == "created" && c.Folder == "new" && c.AssigneeId is null && OwnerIndex(c.Id) == manager.Index) _ = AcceptAsync(manager, c.Id);
        });
        manager.Hub.On<ConversationDto, MessageDto>("messageAdded", (c, m) => OnMessageAdded(manager, c, m));
    }

    /// <summary>Each new conversation belongs to one manager, by its id: spread evenly, no coordination needed.</summary>
    private int OwnerIndex(Guid conversationId) => (int)((uint)conversationId.GetHashCode() % (uint)_managerCount);

    private BenchManager Owner(Guid conversationId) => _managers.FirstOrDefault(m => m.Index == OwnerIndex(conversationId)) ?? _managers[0];

    private async Task AcceptAsync(BenchManager manager, Guid conversationId)
    {
        try
        {
            await manager.Hub.InvokeAsync<ConversationDto>("Accept", conversationId);
            _accepted.TryAdd(conversationId, true);
        }
        catch (HubException e) when (e.Message.Contains("Conflict", StringComparison.Ordinal))
        {
            // Someone was quicker ("already accepted"): what a real team sees every day, not an error.
            Interlocked.Increment(ref _acceptConflicts);
            _accepted.TryAdd(conversationId, true);
        }
        catch (Exception e)
        {
            _report.Error("accept failed: " + Reason(e), $"{conversationId}: {e.Message}");
        }
    }

    private async Task ConnectVisitorsAsync(Uri url, string channel, int count, int concurrency, CancellationToken ct)
    {
        var visitors = new BenchVisitor?[count];
        var connect = new Latency();
        var started = Stopwatch.GetTimestamp();
        await Many.ForEachAsync(count, concurrency, async (i, c) =>
        {
            try
            {
                var (visitor, ms) = await BenchVisitor.ConnectAsync(url, channel, i, OnVisitorMessage, c);
                visitors[i] = visitor;
                connect.Add(ms);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _report.Error("visitor connect failed: " + Reason(e), e.Message);
            }
        }, ct);
        _visitors = [.. visitors.OfType<BenchVisitor>()];
        _report.Latency("setup: visitor connect + Join", connect);
        _report.Value("setup: visitors connected", _visitors.Length, $"of {count} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        _report.Value("setup: managers connected", _managers.Length, "");
        if (_visitors.Length == 0) throw new InvalidOperationException("No visitor could connect to /hubs/visitor.");
    }

    /// <summary>Each visitor's first message opens a conversation; the managers accept them all before the measure.</summary>
    private async Task OpenConversationsAsync(CancellationToken ct)
    {
        var open = new Latency();
        await Many.ForEachAsync(_visitors.Length, 50, async (i, c) =>
        {
            var visitor = _visitors[i];
            var id = "o" + i.ToString(CultureInfo.InvariantCulture);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var ack = await visitor.Hub.InvokeAsync<VisitorMessageDto>("Send", new SendRequest(VisitorTexts[i % VisitorTexts.Length], id), c);
                open.AddSince(started);
                visitor.ConversationId = ack.ConversationId;
                visitor.Acked(id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _report.Error("opening message failed: " + Reason(e), e.Message);
            }
        }, ct);
        _report.Latency("setup: opening message ack", open);
        _visitors = [.. _visitors.Where(v => v.ConversationId != Guid.Empty)];

        var waited = Stopwatch.GetTimestamp();
        while (_visitors.Any(v => !_accepted.ContainsKey(v.ConversationId)) && Stopwatch.GetElapsedTime(waited) < TimeSpan.FromSeconds(30))
            await Task.Delay(100, ct);

        // A conversation whose "created" event was missed (e.g. it came before a manager's connection was ready).
        var missed = _visitors.Where(v => !_accepted.ContainsKey(v.ConversationId)).ToList();
        foreach (var visitor in missed)
        {
            try
            {
                await Owner(visitor.ConversationId).AcceptByApiAsync(visitor.ConversationId, ct);
                _accepted.TryAdd(visitor.ConversationId, true);
            }
            catch (HttpRequestException e) when (e.Message.Contains(": 409 ", StringComparison.Ordinal))
            {
                _accepted.TryAdd(visitor.ConversationId, true);
            }
            catch (HttpRequestException e)
            {
                _report.Error("accept failed (API)", e.Message);
            }
        }

        _report.Value("setup: conversations accepted", _accepted.Count(a => _visitors.Any(v => v.ConversationId == a.Key)), $"({missed.Count} by the API after the hub event was missed, {_acceptConflicts} lost races)");
        _report.Value("setup: accept time", Stopwatch.GetElapsedTime(waited).TotalSeconds, "s (after the last opening message)");
        _visitors = [.. _visitors.Where(v => _accepted.ContainsKey(v.ConversationId))];
        if (_visitors.Length == 0) throw new InvalidOperationException("No conversation was opened and accepted.");
    }

    /// <summary>
    /// "A message is committed before it is acknowledged": every acknowledged clientMessageId must be in its
    /// conversation as the API reads it from the database.
    /// </summary>
    private async Task VerifyCommittedAsync(ParleyApi owner, string verify, CancellationToken ct)
    {
        var sample = verify == "all" ? _visitors : _visitors.Where((_, i) => i % Math.Max(1, _visitors.Length / Math.Max(1, int.Parse(verify, CultureInfo.InvariantCulture))) == 0).ToArray();
        if (verify == "0") return;
        long checkedCount = 0;
        await Many.ForEachAsync(sample.Length, 8, async (i, c) =>
        {
            var visitor = sample[i];
            var acked = visitor.AckedIds();
            var found = new HashSet<string>(StringComparer.Ordinal);
            string? cursor = null;
            try
            {
                do
                {
                    var page = await owner.GetAsync($"api/v1/conversations/{visitor.ConversationId}/messages?limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), c);
                    foreach (var item in page["items"]!.AsArray())
                    {
                        if ((string?)item!["clientMessageId"] is { } id) found.Add(id);
                    }

                    cursor = (string?)page["nextCursor"];
                }
                while (cursor is not null && !found.IsSupersetOf(acked));
            }
            catch (HttpRequestException e)
            {
                _report.Error("verification read failed", e.Message);
                return;
            }

            foreach (var id in acked.Where(id => !found.Contains(id)))
                _report.Error("acknowledged but not committed (missing from the conversation)", $"{id} in {visitor.ConversationId}");
            Interlocked.Add(ref checkedCount, acked.Count);
        }, ct);
        _report.Value("verified: conversations read back", sample.Length, "");
        _report.Value("verified: acknowledged messages found", Interlocked.Read(ref checkedCount), "(each one must be there)");
    }

    private void Fail(Window window, string kind, string detail)
    {
        window.Error(kind);
        if (!_errorsAreStepResults && !window.Probe) _report.Error(kind, detail);
    }

    /// <summary>
    /// Waits until the server has worked off what came before (the set-up's thousands of new conversations, accepts and
    /// "manager joined" messages, or the previous step's load): a probe message and its reply must make the whole round
    /// trip visitor → manager → visitor in under 250 ms three times in a row. Measuring earlier would measure that backlog.
    /// </summary>
    private async Task SettleAsync(string label, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var quiet = 0;
        var probes = 0;
        var limit = TimeSpan.FromSeconds(_settleLimit);
        while (quiet < 3 && Stopwatch.GetElapsedTime(started) < limit)
        {
            var probe = new Window { Probe = true };
            var sent = Stopwatch.GetTimestamp();
            await SendAsync(_visitors[probes++ % _visitors.Length], probe, reply: true);
            while (probe.ManagerToVisitor.Count == 0 && probe.Errors == 0 && Stopwatch.GetElapsedTime(sent) < _ackTimeout + _seenTimeout)
                await Task.Delay(5, ct);
            quiet = probe.Errors == 0 && probe.ManagerToVisitor.Count == 1 && Stopwatch.GetElapsedTime(sent) < TimeSpan.FromMilliseconds(250) ? quiet + 1 : 0;
            await Task.Delay(100, ct);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (quiet < 3) _report.Note($"{label}the server did not settle within {limit.TotalSeconds:0} s (a probe's round trip stayed over 250 ms); measured anyway.");
        _report.Value($"{label}server settled after", seconds, "s (probe round trip visitor → manager → visitor < 250 ms, 3 in a row)");
    }

    /// <summary>A short, stable error kind: the server's refusal text without the client's preamble, or the exception type.</summary>
    private static string Reason(Exception e)
    {
        if (e is HubException)
        {
            var at = e.Message.IndexOf("HubException: ", StringComparison.Ordinal);
            var text = at >= 0 ? e.Message[(at + "HubException: ".Length)..] : e.Message;
            return text.Length > 100 ? text[..100] : text;
        }

        return e.GetType().Name;
    }

    private sealed record Pending(Window Window, long Start, bool Reply);

    /// <summary>What one part of a run (a warm-up, a measured window, a find-max step) recorded.</summary>
    private sealed class Window
    {
        public readonly Latency VisitorToManager = new();
        public readonly Latency Ack = new();
        public readonly Latency ManagerToVisitor = new();
        public readonly Latency Lag = new();
        public int Sent;
        public int Acked;
        public int Replies;

        /// <summary>A settle probe: its failures say "not yet", they are not errors of the run.</summary>
        public bool Probe { get; init; }

        private readonly ConcurrentDictionary<string, int> _errors = new();

        public int Errors => _errors.Values.Sum();

        public void Error(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

        public string Kinds() => _errors.IsEmpty ? "" : " (" + string.Join(", ", _errors.Select(e => $"{e.Key}: {e.Value}")) + ")";
    }
}
