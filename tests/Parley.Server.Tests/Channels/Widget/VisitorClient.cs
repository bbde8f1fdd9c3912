using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Channels.Widget;

/// <summary>A widget channel created through the API, as its owner sees it.</summary>
public sealed record WidgetChannel(string Id, string PublicToken, string Secret)
{
    public static async Task<WidgetChannel> CreateAsync(HttpClient owner, object? settings = null)
    {
        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "widget", name = "Shop widget " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Api.Json(response);
        var channel = new WidgetChannel(body.GetProperty("id").GetString()!, body.GetProperty("publicToken").GetString()!, body.GetProperty("secret").GetString()!);
        if (settings is not null)
        {
            var put = await owner.PutAsJsonAsync($"/api/v1/channels/{channel.Id}/widget", settings);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        return channel;
    }

    public string UserHash(string userId) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(userId)));
}

/// <summary>
/// A visitor's connection to /hubs/visitor through the real SignalR .NET client, as a mobile app would speak it:
/// records every pushed event and waits (bounded) for one.
/// </summary>
internal sealed class VisitorClient : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(string Name, JsonElement Arg)> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private VisitorClient(HubConnection hub) => Hub = hub;

    public HubConnection Hub { get; }

    public JsonElement Session { get; private set; }

    public string? Token => Session.GetProperty("visitorToken").GetString();

    public static async Task<VisitorClient> ConnectAsync(ParleyApp app, string? origin = null)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/visitor"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                if (origin is not null) o.Headers["Origin"] = origin;
            })
            .Build();
        var client = new VisitorClient(hub);
        foreach (var name in new[] { "message", "messageChanged", "seen", "typing" })
        {
            hub.On(name, [typeof(JsonElement)], (args, state) =>
            {
                ((VisitorClient)state).Add(name, ((JsonElement)args[0]!).Clone());
                return Task.CompletedTask;
            }, client);
        }

        await hub.StartAsync();
        return client;
    }

    /// <summary>Connects and joins the widget; the session (token, history) is kept in <see cref="Session"/>.</summary>
    public static async Task<VisitorClient> JoinAsync(ParleyApp app, WidgetChannel channel, string? visitorToken = null, string? origin = null, string? hostOrigin = null)
    {
        var client = await ConnectAsync(app, origin);
        await client.JoinAsync(channel, visitorToken, hostOrigin);
        return client;
    }

    public async Task<JsonElement> JoinAsync(WidgetChannel channel, string? visitorToken = null, string? hostOrigin = null)
    {
        Session = await Hub.InvokeAsync<JsonElement>("Join", new { channel = channel.PublicToken, visitorToken, hostOrigin, language = "en-US" });
        return Session;
    }

    public async Task<JsonElement> IdentifyAsync(string userId, string userHash)
    {
        Session = await Hub.InvokeAsync<JsonElement>("Identify", userId, userHash);
        return Session;
    }

    public Task<JsonElement> SendAsync(string text, string? clientMessageId = null, IEnumerable<string>? attachmentIds = null, object? customer = null) =>
        Hub.InvokeAsync<JsonElement>("Send", new { text, clientMessageId = clientMessageId ?? Guid.NewGuid().ToString(), attachmentIds = attachmentIds ?? [], customer });

    public Task PressAsync(string payload) => Hub.InvokeAsync("Press", payload);

    public IReadOnlyList<(string Name, JsonElement Arg)> All
    {
        get
        {
            lock (_lock) return [.. _events];
        }
    }

    public async Task<JsonElement> WaitAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var found = _events.FirstOrDefault(e => e.Name == name && (match is null || match(e.Arg)));
                if (found.Name is not null) return found.Arg;
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No '{name}' event within the timeout. Received: {string.Join("; ", All.Select(e => $"{e.Name}({e.Arg})"))}");
            }
        }
    }

    public ValueTask DisposeAsync() => Hub.DisposeAsync();

    private void Add(string name, JsonElement arg)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _events.Add((name, arg));
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }
}
