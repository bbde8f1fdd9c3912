using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Server.Tests.Channels.Telegram;

/// <summary>
/// The Telegram Bot API as a real HTTP server on loopback: <c>POST /bot&lt;token&gt;/&lt;method&gt;</c> with JSON or multipart,
/// answers in Telegram's envelope (<c>{"ok":true,"result":…}</c> or <c>{"ok":false,"error_code","description","parameters"}</c>
/// with the HTTP status equal to error_code), files at <c>/file/bot&lt;token&gt;/&lt;path&gt;</c>. The real Telegram.Bot client
/// talks to it. Tests script failures, outages and queued updates, and read every call it got.
/// </summary>
public sealed class FakeTelegramApi : IAsyncDisposable
{
    public sealed record Bot(long Id, string Username);

    public sealed record Call(string Token, string Method, JsonObject Body)
    {
        public long? ChatId => Body["chat_id"] is { } c ? long.Parse(c.ToString(), CultureInfo.InvariantCulture) : null;

        public string? Text => Body["text"]?.ToString() ?? Body["caption"]?.ToString();

        /// <summary>The inline keyboard's callback data, row by row.</summary>
        public List<List<string>> Keyboard()
        {
            var markup = Body["reply_markup"] switch
            {
                JsonObject o => o,
                JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonNode.Parse(v.GetValue<string>()) as JsonObject,
                _ => null,
            };
            return markup?["inline_keyboard"] is JsonArray rows
                ? [.. rows.Select(r => r!.AsArray().Select(b => b!["callback_data"]!.GetValue<string>()).ToList())]
                : [];
        }
    }

    private sealed record Failure(string Method, int Code, string Description, int? RetryAfter);

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<Call> _calls = [];
    private readonly List<Failure> _failures = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _updates = new();
    private int _nextMessageId = 1000;

    private FakeTelegramApi(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public ConcurrentDictionary<string, Bot> Bots { get; } = new();

    /// <summary>Profile photo file ids by user id (one photo, several sizes).</summary>
    public ConcurrentDictionary<long, string[]> ProfilePhotos { get; } = new();

    public ConcurrentDictionary<string, (string Path, byte[] Bytes)> Files { get; } = new();

    /// <summary>The webhook each bot has set: URL and secret_token.</summary>
    public ConcurrentDictionary<string, (string Url, string Secret)> Webhooks { get; } = new();

    /// <summary>While true every call answers 502 with an HTML page, as when Telegram's front is down.</summary>
    public bool Down { get; set; }

    public static FakeTelegramApi Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeTelegramApi(app);
        // "/bot{token}" as one route segment would mis-split tokens that contain "bot": the prefix is cut here instead.
        app.MapPost("/{botToken}/{method}", fake.HandleAsync);
        app.MapGet("/{botToken}/{method}", fake.HandleAsync);
        app.MapGet("/file/{botToken}/{**path}", (string botToken, string path) =>
        {
            var file = fake.Files.Values.FirstOrDefault(f => f.Path == path);
            return fake.Bots.ContainsKey(Token(botToken)) && file.Bytes is not null ? Results.Bytes(file.Bytes, "application/octet-stream") : Results.NotFound();
        });
        app.StartAsync().GetAwaiter().GetResult();
        fake.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public string AddBot(string username)
    {
        var id = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000);
        var token = $"{id}:AAE{Guid.NewGuid():N}";
        Bots[token] = new Bot(id, username);
        return token;
    }

    public void AddFile(string fileId, string path, byte[] bytes) => Files[fileId] = (path, bytes);

    /// <summary>The next call of <paramref name="method"/> fails with this Telegram error.</summary>
    public void FailNext(string method, int code, string description, int? retryAfter = null)
    {
        lock (_lock) _failures.Add(new Failure(method, code, description, retryAfter));
    }

    public void QueueUpdate(string token, JsonObject update) => _updates.GetOrAdd(token, _ => new()).Enqueue(update);

    public List<Call> Calls(string? method = null, long? chatId = null)
    {
        lock (_lock) return [.. _calls.Where(c => (method is null || c.Method == method) && (chatId is null || c.ChatId == chatId))];
    }

    /// <summary>Waits (bounded, real time) until at least <paramref name="count"/> calls match; returns them.</summary>
    public async Task<List<Call>> WaitForAsync(string method, long? chatId = null, int count = 1, Func<Call, bool>? where = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var found = Calls(method, chatId).Where(where ?? (_ => true)).ToList();
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Telegram got {found.Count} {method} call(s), expected {count}. All calls: {string.Join("; ", Calls().Select(c => c.Method + " " + c.Body.ToJsonString()))}");
            await Task.Delay(20);
        }
    }

    private static string Token(string botToken) => botToken.StartsWith("bot", StringComparison.Ordinal) ? botToken[3..] : "";

    private async Task<IResult> HandleAsync(string botToken, string method, HttpContext http)
    {
        var token = Token(botToken);
        var body = await ReadBodyAsync(http.Request);
        if (Down)
            return Results.Content("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>", "text/html", Encoding.UTF8, 502);
        if (!Bots.TryGetValue(token, out var bot)) return Error(401, "Unauthorized");

        lock (_lock)
        {
            _calls.Add(new Call(token, method, body));
            var failure = _failures.FirstOrDefault(f => f.Method == method);
            if (failure is not null)
            {
                _failures.Remove(failure);
                return Error(failure.Code, failure.Description, failure.RetryAfter);
            }
        }

        var chatId = body["chat_id"] is { } c ? long.Parse(c.ToString(), CultureInfo.InvariantCulture) : 0;
        switch (method)
        {
            case "getMe":
                return Ok(new JsonObject { ["id"] = bot.Id, ["is_bot"] = true, ["first_name"] = "Parley Test", ["username"] = bot.Username, ["can_join_groups"] = false, ["can_read_all_group_messages"] = false, ["supports_inline_queries"] = false });
            case "setWebhook":
                Webhooks[token] = (body["url"]!.ToString(), body["secret_token"]?.ToString() ?? "");
                return Ok(true);
            case "deleteWebhook":
                Webhooks.TryRemove(token, out _);
                return Ok(true);
            case "getUpdates":
                return await GetUpdatesAsync(token, body);
            case "sendMessage" or "sendPhoto" or "sendDocument":
                return Ok(SentMessage(bot, chatId, body, method));
            case "editMessageText":
                var edited = SentMessage(bot, chatId, body, method);
                edited["message_id"] = int.Parse(body["message_id"]!.ToString(), CultureInfo.InvariantCulture);
                edited["edit_date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                return Ok(edited);
            case "deleteMessage" or "answerCallbackQuery":
                return Ok(true);
            case "getUserProfilePhotos":
                var userId = long.Parse(body["user_id"]!.ToString(), CultureInfo.InvariantCulture);
                var photos = ProfilePhotos.TryGetValue(userId, out var ids) ? new JsonArray(new JsonArray([.. ids.Select((id, i) => (JsonNode)PhotoSize(id, 160 * (i + 1)))])) : [];
                return Ok(new JsonObject { ["total_count"] = photos.Count, ["photos"] = photos });
            case "getFile":
                var fileId = body["file_id"]!.ToString();
                return Files.TryGetValue(fileId, out var file)
                    ? Ok(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = "u" + fileId, ["file_size"] = file.Bytes.Length, ["file_path"] = file.Path })
                    : Error(400, "Bad Request: invalid file_id");
            default:
                return Error(404, "Not Found: method not found");
        }
    }

    private async Task<IResult> GetUpdatesAsync(string token, JsonObject body)
    {
        if (Webhooks.ContainsKey(token)) return Error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
        var offset = body["offset"] is { } o ? long.Parse(o.ToString(), CultureInfo.InvariantCulture) : 0;
        var queue = _updates.GetOrAdd(token, _ => new());
        // Updates below the offset are confirmed: Telegram forgets them.
        while (queue.TryPeek(out var head) && head["update_id"]!.GetValue<long>() < offset) queue.TryDequeue(out _);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(Math.Min(1, body["timeout"]?.GetValue<int>() ?? 0));
        while (queue.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(20);
        return Ok(new JsonArray([.. queue.Take(100).Select(u => (JsonNode)u.DeepClone())]));
    }

    private JsonObject SentMessage(Bot bot, long chatId, JsonObject body, string method)
    {
        var message = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref _nextMessageId),
            ["from"] = new JsonObject { ["id"] = bot.Id, ["is_bot"] = true, ["first_name"] = "Parley Test", ["username"] = bot.Username },
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = "Client" },
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (method == "sendDocument") message["document"] = new JsonObject { ["file_id"] = "sent-doc", ["file_unique_id"] = "sent-doc-u" };
        else if (method == "sendPhoto") message["photo"] = new JsonArray(PhotoSize("sent-photo", 320));
        else message["text"] = body["text"]?.ToString();
        if (body["caption"] is { } caption) message["caption"] = caption.ToString();
        if (body["reply_markup"] is { } markup) message["reply_markup"] = markup is JsonValue v ? JsonNode.Parse(v.ToString()) : markup.DeepClone();
        return message;
    }

    private static JsonObject PhotoSize(string fileId, int size) =>
        new() { ["file_id"] = fileId, ["file_unique_id"] = "u" + fileId, ["width"] = size, ["height"] = size, ["file_size"] = size * 10 };

    private static IResult Ok(JsonNode result) =>
        Results.Content(new JsonObject { ["ok"] = true, ["result"] = result }.ToJsonString(), "application/json");

    private static IResult Error(int code, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description };
        if (retryAfter is { } seconds) body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        return Results.Content(body.ToJsonString(), "application/json", Encoding.UTF8, code);
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var o = new JsonObject();
            foreach (var (key, value) in form) o[key] = value.ToString();
            foreach (var file in form.Files) o[file.Name] = $"<file {file.FileName} {file.Length} bytes>";
            return o;
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        return text.Length > 0 && JsonNode.Parse(text) is JsonObject json ? json : [];
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
