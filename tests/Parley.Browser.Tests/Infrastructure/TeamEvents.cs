using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Parley.Browser.Tests.Infrastructure;

/// <summary>Records what a team member's hub connection receives, and waits (bounded) for an event.</summary>
public sealed class TeamEvents : IAsyncDisposable
{
    private static readonly (string Name, int Arity)[] Methods = [("conversationChanged", 2), ("messageAdded", 2), ("messageChanged", 3), ("typing", 4)];
    private readonly Lock _lock = new();
    private readonly List<(string Name, JsonElement[] Args)> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TeamEvents(HubConnection hub)
    {
        Hub = hub;
        foreach (var (name, arity) in Methods)
        {
            hub.On(name, [.. Enumerable.Repeat(typeof(JsonElement), arity)], (args, _) =>
            {
                Add(name, [.. args.Select(a => ((JsonElement)a!).Clone())]);
                return Task.CompletedTask;
            }, this);
        }
    }

    public HubConnection Hub { get; }

    public IReadOnlyList<(string Name, JsonElement[] Args)> All
    {
        get
        {
            lock (_lock) return [.. _events];
        }
    }

    public async Task<JsonElement[]> WaitAsync(string name, Func<JsonElement[], bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var found = _events.FirstOrDefault(e => e.Name == name && match(e.Args));
                if (found.Name is not null) return found.Args;
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No '{name}' event within {timeout.TotalSeconds} s. Received: {string.Join("; ", All.Select(e => $"{e.Name}({string.Join(", ", e.Args)})"))}");
            }
        }
    }

    /// <summary>A client's message with this text, in any conversation.</summary>
    public Task<JsonElement[]> ClientMessageAsync(string text, TimeSpan timeout) =>
        WaitAsync("messageAdded", a => a[1].GetProperty("authorKind").GetString() == "client" && a[1].GetProperty("text").GetString() == text, timeout);

    public ValueTask DisposeAsync() => Hub.DisposeAsync();

    private void Add(string name, JsonElement[] args)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _events.Add((name, args));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }
}
