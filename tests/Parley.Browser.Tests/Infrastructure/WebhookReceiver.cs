using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Browser.Tests.Infrastructure;

/// <summary>A customer's webhook endpoint: a real HTTP server on a loopback port that records what Parley POSTs to it.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();

    public sealed record Received(JsonElement Body, string RawBody, string? Signature);

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Status codes to answer, in order, before answering 200 (to test retries).</summary>
    public Queue<int> Failures { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var raw = await reader.ReadToEndAsync();
            lock (receiver.Failures)
            {
                if (receiver.Failures.TryDequeue(out var status)) return Results.StatusCode(status);
            }

            receiver._received.Writer.TryWrite(new Received(JsonDocument.Parse(raw).RootElement.Clone(), raw, http.Request.Headers["X-Parley-Signature"]));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/hook";
        return receiver;
    }

    /// <summary>The next delivery, waiting for the outbox to send it (bounded: a missing delivery fails the test).</summary>
    public async Task<Received> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await _received.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Deliveries until one matches; the ones before it are returned too, in order.</summary>
    public async Task<List<Received>> UntilAsync(Func<Received, bool> match)
    {
        var seen = new List<Received>();
        while (true)
        {
            var next = await NextAsync();
            seen.Add(next);
            if (match(next)) return seen;
        }
    }

    public bool TryTakeImmediately(out Received? received) => _received.Reader.TryRead(out received);

    public static bool IsSignedWith(Received r, string secret) =>
        r.Signature == "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(r.RawBody)));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
