using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Server.Tests.Channels.Messengers;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Telegram;

/// <summary>A Telegram user as Telegram describes them in updates.</summary>
internal sealed record TgUser(long Id, string FirstName, string? LastName, string? Username, string? Language)
{
    public static TgUser New(string firstName = "Олена", string? lastName = "Коваль", string? username = "olena_k", string? language = "uk") =>
        new(Random.Shared.NextInt64(100_000_000, 900_000_000), firstName, lastName, username, language);

    public JsonObject Json()
    {
        var o = new JsonObject { ["id"] = Id, ["is_bot"] = false, ["first_name"] = FirstName };
        if (LastName is not null) o["last_name"] = LastName;
        if (Username is not null) o["username"] = Username;
        if (Language is not null) o["language_code"] = Language;
        return o;
    }
}

internal sealed record TgBot(string ChannelId, string Token, string WebhookPath, string Secret);

/// <summary>Connecting bots through the API and delivering updates the way Telegram does (webhook POST with the secret header).</summary>
internal static class TelegramKit
{
    private static long _updateId = 500_000;
    private static int _messageId = 1;

    public static long NextUpdateId() => Interlocked.Increment(ref _updateId);

    public static async Task<TgBot> ConnectAsync(MessengerApp app, HttpClient owner, string? username = null)
    {
        var token = app.Telegram.AddBot(username ?? "bot_" + Guid.NewGuid().ToString("N")[..8]);
        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "telegram", name = "Telegram bot", botToken = token });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await Json(response)).GetProperty("id").GetString()!;
        var (url, secret) = app.Telegram.Webhooks[token];
        return new TgBot(id, token, new Uri(url).AbsolutePath, secret);
    }

    public static async Task<HttpResponseMessage> PushAsync(MessengerApp app, TgBot bot, JsonObject update, string? secret = null)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, bot.WebhookPath)
        {
            Content = new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if ((secret ?? bot.Secret) is { Length: > 0 } s) request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", s);
        return await http.SendAsync(request);
    }

    public static async Task PushOkAsync(MessengerApp app, TgBot bot, JsonObject update)
    {
        using var response = await PushAsync(app, bot, update);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static JsonObject Message(TgUser user, string? text, long? updateId = null, Action<JsonObject>? extra = null)
    {
        var message = new JsonObject
        {
            ["message_id"] = Interlocked.Increment(ref _messageId),
            ["from"] = user.Json(),
            ["chat"] = new JsonObject { ["id"] = user.Id, ["type"] = "private", ["first_name"] = user.FirstName },
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (text is not null) message["text"] = text;
        extra?.Invoke(message);
        return new JsonObject { ["update_id"] = updateId ?? NextUpdateId(), ["message"] = message };
    }

    public static JsonObject Callback(TgUser user, string data, int messageId, string? queryId = null) => new()
    {
        ["update_id"] = NextUpdateId(),
        ["callback_query"] = new JsonObject
        {
            ["id"] = queryId ?? Random.Shared.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["from"] = user.Json(),
            ["message"] = new JsonObject
            {
                ["message_id"] = messageId,
                ["chat"] = new JsonObject { ["id"] = user.Id, ["type"] = "private", ["first_name"] = user.FirstName },
                ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["text"] = "…",
            },
            ["chat_instance"] = "-100200300",
            ["data"] = data,
        },
    };
}
