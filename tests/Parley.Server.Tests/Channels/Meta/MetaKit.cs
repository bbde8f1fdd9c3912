using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Server.Tests.Channels.Messengers;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Meta;

internal sealed record MetaChannel(string ChannelId, string Type, string WebhookPath, string VerifyToken, string AppSecret, string AccountId);

/// <summary>Connecting Meta channels through the API and delivering webhooks the way Meta does (raw JSON, signed).</summary>
internal static class MetaKit
{
    private static long _ts = 1_764_000_000_000;

    public static async Task<MetaChannel> ConnectAsync(MessengerApp app, HttpClient owner, string type, bool humanAgent = false)
    {
        var accountId = Random.Shared.NextInt64(10_000_000_000, 99_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var kind = type == "messenger" ? "page" : type;
        var token = app.Graph.AddAccount(kind, accountId, type == "instagram" ? "shop.ua" : "Shop UA");
        var appSecret = Guid.NewGuid().ToString("N");
        var response = await owner.PostAsJsonAsync("/api/v1/channels", new
        {
            type,
            name = type + " account",
            accessToken = token,
            appSecret,
            phoneNumberId = type == "whatsapp" ? accountId : null,
            humanAgent,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await Json(response);
        var connection = body.GetProperty("connection");
        return new MetaChannel(body.GetProperty("id").GetString()!, type, new Uri(connection.GetProperty("providerWebhookUrl").GetString()!).AbsolutePath,
            connection.GetProperty("verifyToken").GetString()!, appSecret, accountId);
    }

    public static async Task<HttpResponseMessage> PostAsync(MessengerApp app, MetaChannel channel, string body, string? signature = null)
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.WebhookPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var sig = signature ?? FakeGraphApi.Sign(body, channel.AppSecret);
        if (sig.Length > 0) request.Headers.Add("X-Hub-Signature-256", sig);
        return await http.SendAsync(request);
    }

    public static async Task PostOkAsync(MessengerApp app, MetaChannel channel, string body)
    {
        using var response = await PostAsync(app, channel, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>An Instagram / Messenger delivery: one entry with the given messaging events.</summary>
    public static string Messaging(MetaChannel channel, params JsonObject[] events) => new JsonObject
    {
        ["object"] = channel.Type == "messenger" ? "page" : "instagram",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = channel.AccountId,
            ["time"] = Interlocked.Increment(ref _ts),
            ["messaging"] = new JsonArray([.. events]),
        }),
    }.ToJsonString();

    public static JsonObject Text(MetaChannel channel, string senderId, string mid, string text, bool echo = false) => new()
    {
        ["sender"] = new JsonObject { ["id"] = echo ? channel.AccountId : senderId },
        ["recipient"] = new JsonObject { ["id"] = echo ? senderId : channel.AccountId },
        ["timestamp"] = Interlocked.Increment(ref _ts),
        ["message"] = echo
            ? new JsonObject { ["mid"] = mid, ["text"] = text, ["is_echo"] = true }
            : new JsonObject { ["mid"] = mid, ["text"] = text },
    };

    public static JsonObject QuickReply(MetaChannel channel, string senderId, string title, string payload) => new()
    {
        ["sender"] = new JsonObject { ["id"] = senderId },
        ["recipient"] = new JsonObject { ["id"] = channel.AccountId },
        ["timestamp"] = Interlocked.Increment(ref _ts),
        ["message"] = new JsonObject { ["mid"] = "m_" + Guid.NewGuid().ToString("N"), ["text"] = title, ["quick_reply"] = new JsonObject { ["payload"] = payload } },
    };

    /// <summary>A WhatsApp Cloud API delivery: messages and/or statuses in one change of field "messages".</summary>
    public static string WhatsApp(MetaChannel channel, JsonArray? messages = null, JsonArray? statuses = null, string? name = null, string? waId = null)
    {
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = "380440000000", ["phone_number_id"] = channel.AccountId },
        };
        if (name is not null) value["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = waId });
        if (messages is not null) value["messages"] = messages;
        if (statuses is not null) value["statuses"] = statuses;
        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "WABA" + channel.AccountId,
                ["changes"] = new JsonArray(new JsonObject { ["field"] = "messages", ["value"] = value }),
            }),
        }.ToJsonString();
    }

    public static JsonObject WhatsAppText(string from, string id, string text) => new()
    {
        ["from"] = from,
        ["id"] = id,
        ["timestamp"] = (Interlocked.Increment(ref _ts) / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["type"] = "text",
        ["text"] = new JsonObject { ["body"] = text },
    };
}
