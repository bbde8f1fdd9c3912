using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Parley.Bench;

/// <summary>One site visitor: a connection to <c>/hubs/visitor</c> that has joined the widget as a new anonymous visitor.</summary>
public sealed class BenchVisitor : IAsyncDisposable
{
    private static readonly string[] Languages = ["uk", "en", "uk", "pl", "en"];
    private readonly List<string> _acked = [];
    private readonly Lock _lock = new();

    private BenchVisitor(int index, HubConnection hub)
    {
        Index = index;
        Hub = hub;
    }

    public int Index { get; }

    public HubConnection Hub { get; }

    public string? VisitorId { get; private set; }

    /// <summary>The conversation the visitor's messages went to (from the acknowledgements).</summary>
    public Guid ConversationId { get; set; }

    /// <summary>
    /// Opens the connection and joins; <paramref name="onMessage"/> sees every <c>message</c> event. Returns the
    /// milliseconds from start to the session, through <paramref name="elapsedMs"/>.
    /// </summary>
    public static async Task<(BenchVisitor Visitor, double ElapsedMs)> ConnectAsync(
        Uri url, string channel, int index, Action<BenchVisitor, VisitorMessageDto>? onMessage, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var hub = Hubs.Build(url, "hubs/visitor");
        var visitor = new BenchVisitor(index, hub);
        if (onMessage is not null) hub.On<VisitorMessageDto>("message", m => onMessage(visitor, m));
        try
        {
            await hub.StartAsync(ct);
            var session = await hub.InvokeAsync<VisitorSessionDto>("Join", new JoinRequest(channel, null, null, Languages[index % Languages.Length]), ct);
            visitor.VisitorId = session.VisitorId;
            return (visitor, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    public void Acked(string clientMessageId)
    {
        lock (_lock) _acked.Add(clientMessageId);
    }

    public List<string> AckedIds()
    {
        lock (_lock) return [.. _acked];
    }

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}

/// <summary>Bounded parallel set-up and tear-down of many connections.</summary>
public static class Many
{
    public static Task ForEachAsync(int count, int concurrency, Func<int, CancellationToken, ValueTask> body, CancellationToken ct) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = ct }, body);

    public static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable?> items, int concurrency = 200)
    {
        var list = items.OfType<IAsyncDisposable>().ToList();
        await Parallel.ForEachAsync(list, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) =>
        {
            try
            {
                await item.DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Tearing down after the measure: a connection the server already closed is not a result.
            }
        });
    }
}
