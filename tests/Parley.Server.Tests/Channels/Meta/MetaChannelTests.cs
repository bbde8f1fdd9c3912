using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Server.Tests.Channels.Messengers;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Meta;

/// <summary>Instagram, Messenger and WhatsApp on the one Meta adapter, against a fake Graph API, webhooks signed as Meta signs them.</summary>
public abstract class MetaChannelTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : MessengerApp
{
    [Fact]
    public async Task Connect_Instagram_AnswerShowsCallbackUrlAndVerifyTokenThatTheHandshakeAccepts()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await MetaKit.ConnectAsync(app, owner, "instagram");
        using var anonymous = app.CreateClient();

        var ok = await anonymous.GetAsync($"{channel.WebhookPath}?hub.mode=subscribe&hub.verify_token={channel.VerifyToken}&hub.challenge=1158201444");
        var wrong = await anonymous.GetAsync($"{channel.WebhookPath}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var dto = await GetJsonAsync(owner, $"/api/v1/channels/{channel.ChannelId}");
        Assert.StartsWith(MessengerApp.PublicBaseUrl + "/webhooks/meta/", dto.GetProperty("connection").GetProperty("providerWebhookUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal("@shop.ua", dto.GetProperty("connection").GetProperty("account").GetString());
        Assert.False(dto.GetProperty("capabilities").GetProperty("canEdit").GetBoolean());
        Assert.False(dto.GetProperty("capabilities").GetProperty("canDelete").GetBoolean());
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync(manager, $"/api/v1/channels/{channel.ChannelId}")).GetProperty("connection").ValueKind);
    }

    [Fact]
    public async Task Connect_TokenMetaRejects_400NamingAccessTokenAndNothingStored()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await GetJsonAsync(owner, "/api/v1/channels")).GetArrayLength();

        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "messenger", name = "Page", accessToken = "EAAGexpired", appSecret = "s" });
        var missing = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "whatsapp", name = "WA", accessToken = "EAAG1", appSecret = "s" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("190", problem.GetProperty("errors").GetProperty("accessToken")[0].GetString());
        Assert.True((await AssertProblemAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("phoneNumberId", out _));
        Assert.Equal(before, (await GetJsonAsync(owner, "/api/v1/channels")).GetArrayLength());
    }

    [Fact]
    public async Task Instagram_SignedMessage_IngestedWithNameUsernameAndPhoto()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await MetaKit.ConnectAsync(app, owner, "instagram");
        var igsid = "IG" + Guid.NewGuid().ToString("N")[..12];
        byte[] photo = [0xFF, 0xD8, 0xFF, 0xE0, 42];
        app.Graph.Profiles[igsid] = new JsonObject { ["name"] = "Ірина Мельник", ["username"] = "iryna.m", ["profile_pic"] = app.Graph.AddCdnFile(igsid + ".jpg", "image/jpeg", photo) };

        await MetaKit.PostOkAsync(app, channel, MetaKit.Messaging(channel, MetaKit.Text(channel, igsid, "m_" + igsid, "Привіт! Чи є розмір M?")));

        var conversation = (await Eventually.ConversationOfChannelAsync(owner, channel.ChannelId))!.Value;
        Assert.Equal("new", conversation.GetProperty("folder").GetString());
        var client = await GetJsonAsync(owner, $"/api/v1/clients/{conversation.GetProperty("clientId").GetString()}");
        Assert.Equal("Ірина Мельник", client.GetProperty("name").GetString());
        Assert.Equal("iryna.m", client.GetProperty("username").GetString());
        Assert.Equal(photo, await owner.GetByteArrayAsync(client.GetProperty("photoUrl").GetString())); // a copy: Meta's links expire
        var texts = (await MessagesAsync(owner, conversation.GetProperty("id").GetString()!)).Where(m => m.GetProperty("authorKind").GetString() == "client").Select(m => m.GetProperty("text").GetString());
        Assert.Equal(["Привіт! Чи є розмір M?"], texts);
    }

    [Fact]
    public async Task Instagram_UnsignedOrWronglySigned_401AndNothingStored()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await MetaKit.ConnectAsync(app, owner, "instagram");
        var igsid = "IG" + Guid.NewGuid().ToString("N")[..12];
        var forged = MetaKit.Messaging(channel, MetaKit.Text(channel, igsid, "m_forged_" + igsid, "forged"));

        using var unsigned = await MetaKit.PostAsync(app, channel, forged, signature: "");
        using var wrongKey = await MetaKit.PostAsync(app, channel, forged, signature: FakeGraphApi.Sign(forged, "not-the-app-secret"));
        using var tampered = await MetaKit.PostAsync(app, channel, forged.Replace("forged", "forgeD", StringComparison.Ordinal), signature: FakeGraphApi.Sign(forged, channel.AppSecret));

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        await MetaKit.PostOkAsync(app, channel, MetaKit.Messaging(channel, MetaKit.Text(channel, igsid, "m_real_" + igsid, "real")));
        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, channel.ChannelId))!.Value.GetProperty("id").GetString()!;
        var texts = (await MessagesAsync(owner, conversationId)).Where(m => m.GetProperty("authorKind").GetString() == "client").Select(m => m.GetProperty("text").GetString());
        Assert.Equal(["real"], texts); // the refused deliveries stored nothing, so the real one is the first
    }

    [Fact]
    public async Task Instagram_RedeliveredMidAndEcho_OneClientMessage()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await MetaKit.ConnectAsync(app, owner, "instagram");
        var igsid = "IG" + Guid.NewGuid().ToString("N")[..12];
        var body = MetaKit.Messaging(channel, MetaKit.Text(channel, igsid, "m_once_" + igsid, "Один раз"));

        await MetaKit.PostOkAsync(app, channel, body);
        await MetaKit.PostOkAsync(app, channel, body);
        await MetaKit.PostOkAsync(app, channel, MetaKit.Messaging(channel,
            MetaKit.Text(channel, igsid, "m_echo_" + igsid, "Our own reply", echo: true),
            MetaKit.Text(channel, igsid, "m_last_" + igsid, "Останнє")));

        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, channel.ChannelId))!.Value.GetProperty("id").GetString()!;
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("text").GetString() == "Останнє", "the last message");
        var texts = (await MessagesAsync(owner, conversationId)).Where(m => m.GetProperty("authorKind").GetString() == "client").Select(m => m.GetProperty("text").GetString());
        Assert.Equal(["Один раз", "Останнє"], texts);
    }

    [Fact]
    public async Task Instagram_ReplyAndFinish_TextAndQuickRepliesReachTheClientAndNoArchives()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        await PatchSettingsAsync(owner, new { askWhetherResolved = true, ratingRequired = true });
        var (channel, igsid, conversationId) = await ActiveChatAsync(owner, "instagram");

        var messageId = await SendAsync(owner, conversationId, "Так, розмір M є.");
        var reply = (await app.Graph.WaitForAsync(igsid, 3)).Last();
        Assert.Equal("Так, розмір M є.", reply.Text);
        Assert.StartsWith("Bearer ", reply.Token, StringComparison.Ordinal);
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "sent", "sent");

        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).StatusCode);
        var question = (await app.Graph.WaitForAsync(igsid, 4)).Last();
        var quick = question.Body["message"]!["quick_replies"]!.AsArray();
        Assert.Equal(["more_questions:yes", "more_questions:no"], quick.Select(q => q!["payload"]!.ToString()));
        Assert.All(quick, q => Assert.Equal("text", q!["content_type"]!.ToString()));

        await MetaKit.PostOkAsync(app, channel, MetaKit.Messaging(channel, MetaKit.QuickReply(channel, igsid, quick[1]!["title"]!.ToString(), "more_questions:no")));
        await Eventually.TrueAsync(async () => (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString() == "archived", "archived by No");
        var rating = await Eventually.GetAsync(async () => await Task.FromResult(app.Graph.SentTo(igsid).LastOrDefault(s => s.Body["message"]?["quick_replies"]?.AsArray().Count == 5)), "the rating question");
        Assert.Equal(["rating:1", "rating:2", "rating:3", "rating:4", "rating:5"], rating.Body["message"]!["quick_replies"]!.AsArray().Select(q => q!["payload"]!.ToString()));
    }

    [Fact]
    public async Task Edit_InstagramMessage_403SaysInstagramCannot()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, igsid, conversationId) = await ActiveChatAsync(owner, "instagram");
        var messageId = await SendAsync(owner, conversationId, "Відправлено");
        await app.Graph.WaitForAsync(igsid, 3);

        var response = await owner.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Змінено" });

        Assert.Contains("does not let a sent message be edited", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WhatsApp_TextInAndOut_StatusesShowDeliveredThenRead()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await MetaKit.ConnectAsync(app, owner, "whatsapp");
        var waId = "380" + Random.Shared.NextInt64(100_000_000, 999_999_999);

        await MetaKit.PostOkAsync(app, channel, MetaKit.WhatsApp(channel, messages: [MetaKit.WhatsAppText(waId, "wamid.IN" + waId, "Доброго дня, коли доставка?")], name: "Петро", waId: waId));

        var conversation = (await Eventually.ConversationOfChannelAsync(owner, channel.ChannelId))!.Value;
        var conversationId = conversation.GetProperty("id").GetString()!;
        Assert.Equal("Петро", (await GetJsonAsync(owner, $"/api/v1/clients/{conversation.GetProperty("clientId").GetString()}")).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var messageId = await SendAsync(owner, conversationId, "Завтра до 18:00.");
        var sent = (await app.Graph.WaitForAsync(waId, 3)).Last();
        Assert.Equal("whatsapp", sent.Body["messaging_product"]!.ToString());
        Assert.Equal("text", sent.Body["type"]!.ToString());
        Assert.Equal("Завтра до 18:00.", sent.Text);
        Assert.Equal($"{channel.AccountId}/messages", sent.Path);
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "sent", "sent");
        var wamid = sent.Id;

        await MetaKit.PostOkAsync(app, channel, MetaKit.WhatsApp(channel, statuses: [Status(wamid, "delivered", waId)]));
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "delivered", "delivered");
        await MetaKit.PostOkAsync(app, channel, MetaKit.WhatsApp(channel, statuses: [Status(wamid, "read", waId), Status(wamid, "delivered", waId)]));
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "read", "read");
        await Task.Delay(300);
        Assert.Equal("read", (await MessagesAsync(owner, conversationId)).Single(m => m.GetProperty("id").GetString() == messageId).GetProperty("deliveryStatus").GetString());
    }

    [Fact]
    public async Task Window_ReplyAfter25Hours_FailedWithTheReasonAndNothingSent()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        await PatchSettingsAsync(owner, new { inactivityCloseMinutes = (int?)null });
        var (_, igsid, conversationId) = await ActiveChatAsync(owner, "instagram");
        var before = app.Graph.SentTo(igsid).Count;
        app.Time.Advance(TimeSpan.FromHours(25));

        var messageId = await SendAsync(owner, conversationId, "Вибачте за затримку");

        var failed = await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "failed", "failed");
        var reason = failed.GetProperty("deliveryError").GetString()!;
        Assert.Contains("only within 24 hours of the client's last message", reason);
        Assert.Contains("human agent", reason);
        Assert.Equal(before, app.Graph.SentTo(igsid).Count);
    }

    [Fact]
    public async Task Window_HumanAgentOn_ManagerReplyAfter30HoursTaggedHumanAgent()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        await PatchSettingsAsync(owner, new { inactivityCloseMinutes = (int?)null });
        var (channel, psid, conversationId) = await ActiveChatAsync(owner, "messenger");
        Assert.Equal(HttpStatusCode.OK, (await owner.PatchAsJsonAsync($"/api/v1/channels/{channel.ChannelId}", new { humanAgent = true })).StatusCode);
        app.Time.Advance(TimeSpan.FromHours(30)); // past 24 hours, within the 7 days a human agent has

        var messageId = await SendAsync(owner, conversationId, "Повертаюся з відповіддю");

        var sent = (await app.Graph.WaitForAsync(psid, 3)).Last();
        Assert.Equal("MESSAGE_TAG", sent.Body["messaging_type"]!.ToString());
        Assert.Equal("HUMAN_AGENT", sent.Body["tag"]!.ToString());
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "sent", "sent");
    }

    [Fact]
    public async Task Window_MetaSaysOutsideWindow_FailedWithTheSameReason()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, _, conversationId) = await ActiveChatAsync(owner, "messenger");
        app.Graph.FailNext(400, 10, "(#10) This message is sent outside of allowed window.", 2018278);

        var messageId = await SendAsync(owner, conversationId, "Запізно");

        var failed = await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "failed", "failed");
        Assert.Contains("only within 24 hours", failed.GetProperty("deliveryError").GetString());
    }

    private static JsonObject Status(string id, string status, string recipient) => new()
    {
        ["id"] = id,
        ["status"] = status,
        ["timestamp"] = "1764000000",
        ["recipient_id"] = recipient,
    };

    /// <summary>A new Meta channel, a client's first message, the conversation accepted; greeting and "joined" delivered.</summary>
    private async Task<(MetaChannel Channel, string SenderId, string ConversationId)> ActiveChatAsync(HttpClient owner, string type)
    {
        var channel = await MetaKit.ConnectAsync(app, owner, type);
        var senderId = "S" + Guid.NewGuid().ToString("N")[..14];
        await MetaKit.PostOkAsync(app, channel, MetaKit.Messaging(channel, MetaKit.Text(channel, senderId, "m_first_" + senderId, "Добрий день")));
        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, channel.ChannelId))!.Value.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        await app.Graph.WaitForAsync(senderId, 2);
        return (channel, senderId, conversationId);
    }

    private static async Task<string> SendAsync(HttpClient member, string conversationId, string text)
    {
        var response = await member.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }
}

public sealed class MetaChannelTests_Sqlite(MessengerSqliteApp app) : MetaChannelTests<MessengerSqliteApp>(app);

public sealed class MetaChannelTests_Postgres(MessengerPostgresApp app) : MetaChannelTests<MessengerPostgresApp>(app);
