using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Tests.Channels.Meta;

/// <summary>
/// The Meta Graph API (graph.facebook.com and graph.instagram.com) as a loopback HTTP server: token checks on
/// <c>/me</c> and the WhatsApp phone number, profiles, a CDN for photos and attachments, the Send API
/// (<c>/me/messages</c>, <c>/&lt;PHONE_NUMBER_ID&gt;/messages</c>) and Meta's error envelope
/// <c>{"error":{"message","type","code","error_subcode","fbtrace_id"}}</c>.
/// </summary>
public sealed class FakeGraphApi : IAsyncDisposable
{
    public sealed record Account(string Kind, string Id, string Name);

    public sealed record Sent(string Token, string Path, JsonObject Body, string Id)
    {
        public string? To => Body["recipient"]?["id"]?.ToString() ?? Body["to"]?.ToString();

        public string? Text => Body["message"]?["text"]?.ToString() ?? Body["text"]?["body"]?.ToString() ?? Body["interactive"]?["body"]?["text"]?.ToString();
    }

    private sealed record Failure(int Status, int Code, int? Subcode, string Message);

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<Sent> _sent = [];
    private readonly Queue<Failure> _failures = new();
    private int _next;

    private FakeGraphApi(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>Access tokens and the account each stands for.</summary>
    public ConcurrentDictionary<string, Account> Tokens { get; } = new();

    /// <summary>Profiles by user id (IGSID / PSID): the fields Meta returns.</summary>
    public ConcurrentDictionary<string, JsonObject> Profiles { get; } = new();

    public ConcurrentDictionary<string, (string ContentType, byte[] Bytes)> Cdn { get; } = new();

    public static FakeGraphApi Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeGraphApi(app);
        app.MapGet("/cdn/{name}", (string name) => fake.Cdn.TryGetValue(name, out var f) ? Results.Bytes(f.Bytes, f.ContentType) : Results.NotFound());
        app.MapGet("/{version}/{**path}", fake.GetAsync);
        app.MapPost("/{version}/{**path}", fake.PostAsync);
        app.StartAsync().GetAwaiter().GetResult();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public string AddAccount(string kind, string id, string name)
    {
        var token = (kind == "instagram" ? "IGAA" : "EAAG") + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        Tokens[token] = new Account(kind, id, name);
        return token;
    }

    public string AddCdnFile(string name, string contentType, byte[] bytes)
    {
        Cdn[name] = (contentType, bytes);
        return $"{Url}/cdn/{name}";
    }

    public void FailNext(int status, int code, string message, int? subcode = null)
    {
        lock (_lock) _failures.Enqueue(new Failure(status, code, subcode, message));
    }

    public List<Sent> SentTo(string recipient)
    {
        lock (_lock) return [.. _sent.Where(s => s.To == recipient)];
    }

    public async Task<List<Sent>> WaitForAsync(string recipient, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var found = SentTo(recipient);
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Meta got {found.Count} message(s) for {recipient}, expected {count}.");
            await Task.Delay(20);
        }
    }

    /// <summary>Signs a webhook body as Meta does: sha256=&lt;hex HMAC-SHA256 of the raw bytes with the app secret&gt;.</summary>
    public static string Sign(string body, string appSecret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(body)));

    private IResult GetAsync(string version, string path, HttpContext http)
    {
        if (Authorize(http) is not { } account) return Error(400, 190, null, "Invalid OAuth access token - Cannot parse access token");
        if (path == "me")
            return account.Kind == "instagram"
                ? Json(new JsonObject { ["user_id"] = account.Id, ["username"] = account.Name, ["id"] = account.Id })
                : Json(new JsonObject { ["id"] = account.Id, ["name"] = account.Name });
        if (account.Kind == "whatsapp" && path == account.Id)
            return Json(new JsonObject { ["display_phone_number"] = "+380 44 000 0000", ["verified_name"] = account.Name, ["id"] = account.Id });
        if (Profiles.TryGetValue(path, out var profile)) return Json(profile.DeepClone());
        return Error(400, 100, 33, $"Unsupported get request. Object with ID '{path}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.");
    }

    private async Task<IResult> PostAsync(string version, string path, HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject ?? [];
        if (Authorize(http) is not { } account) return Error(400, 190, null, "Invalid OAuth access token - Cannot parse access token");
        var whatsApp = path == $"{account.Id}/messages" && account.Kind == "whatsapp";
        if (!whatsApp && path != "me/messages") return Error(400, 100, null, "Unsupported post request.");
        var id = (whatsApp ? "wamid.OUT" : "m_OUT") + Interlocked.Increment(ref _next);
        lock (_lock)
        {
            if (_failures.TryDequeue(out var failure)) return Error(failure.Status, failure.Code, failure.Subcode, failure.Message);
            _sent.Add(new Sent(http.Request.Headers.Authorization.ToString(), path, body, id));
        }

        return whatsApp
            ? Json(new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["contacts"] = new JsonArray(new JsonObject { ["input"] = body["to"]?.ToString(), ["wa_id"] = body["to"]?.ToString() }),
                ["messages"] = new JsonArray(new JsonObject { ["id"] = id }),
            })
            : Json(new JsonObject { ["recipient_id"] = body["recipient"]?["id"]?.ToString(), ["message_id"] = id });
    }

    private Account? Authorize(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : http.Request.Query["access_token"].ToString();
        return Tokens.GetValueOrDefault(token);
    }

    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json");

    private static IResult Error(int status, int code, int? subcode, string message)
    {
        var error = new JsonObject { ["message"] = message, ["type"] = code == 190 ? "OAuthException" : "GraphMethodException", ["code"] = code, ["fbtrace_id"] = "AbCdEf" + code };
        if (subcode is { } s) error["error_subcode"] = s;
        return Results.Content(new JsonObject { ["error"] = error }.ToJsonString(), "application/json", Encoding.UTF8, status);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
