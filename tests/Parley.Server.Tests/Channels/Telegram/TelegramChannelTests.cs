using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Server.Channels;
using Parley.Server.Tests.Channels.Messengers;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Telegram;

/// <summary>A Telegram bot channel end to end: the real Telegram.Bot client against a fake Bot API, updates through the webhook.</summary>
public abstract class TelegramChannelTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : MessengerApp
{
    [Fact]
    public async Task Connect_BotToken_CheckedWithGetMeAndWebhookSetWithSecret()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var token = app.Telegram.AddBot("shop_help_bot");

        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "telegram", name = "Shop bot", botToken = token });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, raw, StringComparison.Ordinal);
        var connection = JsonDocument.Parse(raw).RootElement.GetProperty("connection");
        Assert.Equal("@shop_help_bot", connection.GetProperty("account").GetString());
        Assert.Equal("webhook", connection.GetProperty("receiveMode").GetString());
        var (url, secret) = app.Telegram.Webhooks[token];
        Assert.Equal(url, connection.GetProperty("providerWebhookUrl").GetString());
        Assert.StartsWith(MessengerApp.PublicBaseUrl + "/webhooks/telegram/", url, StringComparison.Ordinal);
        Assert.True(secret.Length >= 32);
        var setWebhook = Assert.Single(app.Telegram.Calls("setWebhook"), c => c.Token == token);
        Assert.Equal(["message", "callback_query"], setWebhook.Body["allowed_updates"]!.AsArray().Select(u => u!.ToString()));
        Assert.Single(app.Telegram.Calls("getMe"), c => c.Token == token);
    }

    [Fact]
    public async Task Connect_TokenTelegramRejects_400NamingBotTokenAndNothingStored()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var before = (await GetJsonAsync(owner, "/api/v1/channels")).GetArrayLength();

        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "telegram", name = "Revoked bot", botToken = "123456789:AAEthisTokenWasRevokedByBotFather00" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("did not accept this bot token (401", problem.GetProperty("errors").GetProperty("botToken")[0].GetString());
        Assert.Equal(before, (await GetJsonAsync(owner, "/api/v1/channels")).GetArrayLength());
    }

    [Fact]
    public async Task Receive_FirstMessage_ClientWithUsernameLanguageAndPhotoInNewConversation()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var bot = await TelegramKit.ConnectAsync(app, owner);
        var user = TgUser.New();
        var photo = "avatar-" + user.Id;
        byte[] photoBytes = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
        app.Telegram.AddFile(photo, $"photos/file_{user.Id}.jpg", photoBytes);
        app.Telegram.ProfilePhotos[user.Id] = ["small-" + photo, photo];
        app.Telegram.AddFile("small-" + photo, "photos/small.jpg", [0xFF, 0xD8, 9]);

        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, "Добрий день! Де моє замовлення?"));

        var conversation = (await Eventually.ConversationOfChannelAsync(owner, bot.ChannelId))!.Value;
        Assert.Equal("new", conversation.GetProperty("folder").GetString());
        Assert.Equal("telegram", conversation.GetProperty("channelType").GetString());
        var client = await GetJsonAsync(owner, $"/api/v1/clients/{conversation.GetProperty("clientId").GetString()}");
        Assert.Equal("Олена Коваль", client.GetProperty("name").GetString());
        Assert.Equal("olena_k", client.GetProperty("username").GetString());
        Assert.Equal("uk", client.GetProperty("language").GetString());
        var photoUrl = client.GetProperty("photoUrl").GetString()!;
        Assert.Equal(photoBytes, await owner.GetByteArrayAsync(photoUrl)); // the largest size, copied
        var messages = await MessagesAsync(owner, conversation.GetProperty("id").GetString()!);
        Assert.Contains(messages, m => m.GetProperty("authorKind").GetString() == "client" && m.GetProperty("text").GetString() == "Добрий день! Де моє замовлення?");
        // The greeting went back to the client's chat through the bot.
        Assert.NotEmpty(await app.Telegram.WaitForAsync("sendMessage", user.Id));
    }

    [Fact]
    public async Task Receive_WithoutOrWithWrongSecretToken_401AndNothingStored()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var bot = await TelegramKit.ConnectAsync(app, owner);
        var user = TgUser.New();

        using var wrong = await TelegramKit.PushAsync(app, bot, TelegramKit.Message(user, "wrong secret"), secret: bot.Secret[..^1] + (bot.Secret[^1] == '0' ? "1" : "0"));
        using var missing = await TelegramKit.PushAsync(app, bot, TelegramKit.Message(user, "no secret"), secret: "");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        // A real message afterwards is the first and only conversation of this channel.
        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, "right secret"));
        var conversation = (await Eventually.ConversationOfChannelAsync(owner, bot.ChannelId))!.Value;
        var texts = (await MessagesAsync(owner, conversation.GetProperty("id").GetString()!)).Where(m => m.GetProperty("authorKind").GetString() == "client").Select(m => m.GetProperty("text").GetString());
        Assert.Equal(["right secret"], texts);
    }

    [Fact]
    public async Task Receive_SameUpdateTwice_OneMessage()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var bot = await TelegramKit.ConnectAsync(app, owner);
        var user = TgUser.New();
        var update = TelegramKit.Message(user, "Один раз");

        await TelegramKit.PushOkAsync(app, bot, update);
        await TelegramKit.PushOkAsync(app, bot, (JsonObject)update.DeepClone()); // Telegram's redelivery after a lost 200
        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, "Бар'єр"));

        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, bot.ChannelId))!.Value.GetProperty("id").GetString()!;
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("text").GetString() == "Бар'єр", "the barrier message");
        var texts = (await MessagesAsync(owner, conversationId)).Where(m => m.GetProperty("authorKind").GetString() == "client").Select(m => m.GetProperty("text").GetString());
        Assert.Equal(["Один раз", "Бар'єр"], texts);
    }

    [Fact]
    public async Task Receive_PhotoWithCaptionAndDocument_StoredAsAttachmentsWithText()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var bot = await TelegramKit.ConnectAsync(app, owner);
        var user = TgUser.New(username: null, language: "en");
        byte[] big = [0xFF, 0xD8, 0xFF, 7, 7, 7, 7];
        app.Telegram.AddFile("p-small-" + user.Id, "photos/s.jpg", [0xFF, 0xD8, 1]);
        app.Telegram.AddFile("p-big-" + user.Id, "photos/b.jpg", big);
        app.Telegram.AddFile("doc-" + user.Id, "documents/invoice.pdf", "%PDF-1.4 invoice"u8.ToArray());

        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, null, extra: m =>
        {
            m["photo"] = new JsonArray(
                new JsonObject { ["file_id"] = "p-small-" + user.Id, ["file_unique_id"] = "ps", ["width"] = 90, ["height"] = 90, ["file_size"] = 3 },
                new JsonObject { ["file_id"] = "p-big-" + user.Id, ["file_unique_id"] = "pb", ["width"] = 1280, ["height"] = 960, ["file_size"] = big.Length });
            m["caption"] = "The parcel arrived broken";
        }));
        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, null, extra: m =>
            m["document"] = new JsonObject { ["file_id"] = "doc-" + user.Id, ["file_unique_id"] = "d1", ["file_name"] = "invoice.pdf", ["mime_type"] = "application/pdf", ["file_size"] = 16 }));

        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, bot.ChannelId))!.Value.GetProperty("id").GetString()!;
        var photo = await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("text").GetString() == "The parcel arrived broken", "the photo");
        var picture = Assert.Single(photo.GetProperty("attachments").EnumerateArray());
        Assert.Equal("image/jpeg", picture.GetProperty("contentType").GetString());
        Assert.Equal(big, await owner.GetByteArrayAsync(picture.GetProperty("url").GetString()));
        var document = await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("attachments").GetArrayLength() == 1 && m.GetProperty("text").GetString() == "", "the document");
        var file = document.GetProperty("attachments")[0];
        Assert.Equal("invoice.pdf", file.GetProperty("fileName").GetString());
        using var download = await owner.GetAsync(file.GetProperty("url").GetString());
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType); // downloaded, never rendered
        Assert.Equal("%PDF-1.4 invoice"u8.ToArray(), await download.Content.ReadAsByteArrayAsync());
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(file.GetProperty("url").GetString())).StatusCode);
    }

    [Fact]
    public async Task Reply_ManagerMessage_ReachesTheChatAndIsSent()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (bot, user, conversationId) = await ActiveChatAsync(owner);

        var messageId = await SendAsync(owner, conversationId, "Замовлення вже в дорозі.");

        var sent = await app.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Text == "Замовлення вже в дорозі.");
        Assert.Single(sent);
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "sent", "status sent");
        var health = (await GetJsonAsync(owner, $"/api/v1/channels/{bot.ChannelId}")).GetProperty("health");
        Assert.NotEqual(JsonValueKind.Null, health.GetProperty("lastReceivedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, health.GetProperty("lastSentAt").ValueKind);
    }

    [Fact]
    public async Task Buttons_FinishNoThenRating_InlineKeyboardsDriveTheConversationAndAreAnswered()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        await PatchSettingsAsync(owner, new { askWhetherResolved = true, ratingRequired = true });
        var (_, user, conversationId) = await ActiveChatAsync(owner);

        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).StatusCode);
        var question = (await app.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Keyboard().Count > 0)).Single();
        Assert.Equal([["more_questions:yes", "more_questions:no"]], question.Keyboard());

        await TelegramKit.PushOkAsync(app, (await BotOfAsync(owner, conversationId))!, TelegramKit.Callback(user, "more_questions:no", 1, "q-no-" + user.Id));
        await app.Telegram.WaitForAsync("answerCallbackQuery", where: c => c.Body["callback_query_id"]!.ToString() == "q-no-" + user.Id);
        await Eventually.TrueAsync(async () => (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString() == "archived", "archived by No");
        var rate = (await app.Telegram.WaitForAsync("sendMessage", user.Id, count: 2, where: c => c.Keyboard().Count > 0))[1];
        Assert.Equal([["rating:1", "rating:2", "rating:3", "rating:4", "rating:5"]], rate.Keyboard());

        await TelegramKit.PushOkAsync(app, (await BotOfAsync(owner, conversationId))!, TelegramKit.Callback(user, "rating:5", 2, "q-rate-" + user.Id));
        await app.Telegram.WaitForAsync("answerCallbackQuery", where: c => c.Body["callback_query_id"]!.ToString() == "q-rate-" + user.Id);
        await Eventually.TrueAsync(async () => (await ConversationAsync(owner, conversationId)).GetProperty("rating").ValueKind == JsonValueKind.Number, "the rating");
        Assert.Equal(5, (await ConversationAsync(owner, conversationId)).GetProperty("rating").GetInt32());
    }

    [Fact]
    public async Task Deliver_429ThenSuccess_WaitsRetryAfterThenSentOnce()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, user, conversationId) = await ActiveChatAsync(owner);
        app.Telegram.FailNext("sendMessage", 429, "Too Many Requests: retry after 30", retryAfter: 30);

        var messageId = await SendAsync(owner, conversationId, "Повільніше");

        await app.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Text == "Повільніше");
        var queued = await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId, "the message");
        Assert.Equal("queued", queued.GetProperty("deliveryStatus").GetString());
        app.Time.Advance(TimeSpan.FromSeconds(20)); // the default backoff would have retried by now; retry_after says 30
        await Task.Delay(300);
        Assert.Single(app.Telegram.Calls("sendMessage", user.Id), c => c.Text == "Повільніше");
        app.Time.Advance(TimeSpan.FromSeconds(11));

        await app.Telegram.WaitForAsync("sendMessage", user.Id, count: 2, where: c => c.Text == "Повільніше");
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "sent", "status sent");
        Assert.Equal(2, app.Telegram.Calls("sendMessage", user.Id).Count(c => c.Text == "Повільніше")); // one refused, one delivered
    }

    [Fact]
    public async Task Deliver_ApiDownThenBack_EachMessageOnceAndInOrder()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, user, conversationId) = await ActiveChatAsync(owner);
        var before = app.Telegram.Calls().Count;
        app.Telegram.Down = true;
        try
        {
            for (var i = 1; i <= 3; i++) await SendAsync(owner, conversationId, $"Повідомлення {i}");
            // The first attempt met the outage (nothing is recorded while down); the others wait behind it.
            await Eventually.TrueAsync(async () => (await Api.MessagesAsync(owner, conversationId)).Count(m => m.GetProperty("deliveryStatus").GetString() == "queued") == 3, "three queued");
            await Task.Delay(300);
            app.Time.Advance(OutboxDispatcher.Backoff(1) + TimeSpan.FromSeconds(1)); // a second attempt, still down
            await Task.Delay(300);
        }
        finally
        {
            app.Telegram.Down = false;
        }

        app.Time.Advance(TimeSpan.FromMinutes(5));
        var sent = await app.Telegram.WaitForAsync("sendMessage", user.Id, count: 3, where: c => c.Text!.StartsWith("Повідомлення", StringComparison.Ordinal));
        Assert.Equal(["Повідомлення 1", "Повідомлення 2", "Повідомлення 3"], sent.Select(c => c.Text));
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await SendAsync(owner, conversationId, "Бар'єр");
        await app.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Text == "Бар'єр");
        Assert.Equal(3, app.Telegram.Calls("sendMessage", user.Id).Count(c => c.Text!.StartsWith("Повідомлення", StringComparison.Ordinal)));
        Assert.True(app.Telegram.Calls().Count > before);
    }

    [Fact]
    public async Task Deliver_BotBlockedByUser_FailedWithThatReasonLive()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (bot, _, conversationId) = await ActiveChatAsync(owner);
        await using var live = await Realtime.HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        app.Telegram.FailNext("sendMessage", 403, "Forbidden: bot was blocked by the user");

        var messageId = await SendAsync(owner, conversationId, "Ви тут?");

        var changed = await live.WaitAsync(e => e.IsMessageChanged(messageId, "delivery"));
        Assert.Equal("failed", changed.Args[1].GetProperty("deliveryStatus").GetString());
        Assert.Contains("bot was blocked by the user", changed.Args[1].GetProperty("deliveryError").GetString());
        Assert.Contains("blocked the bot", changed.Args[1].GetProperty("deliveryError").GetString());
        var health = (await GetJsonAsync(owner, $"/api/v1/channels/{bot.ChannelId}")).GetProperty("health");
        Assert.Contains("blocked", health.GetProperty("lastError").GetString());
    }

    [Fact]
    public async Task EditAndDelete_ManagerMessage_EditMessageTextThenDeleteMessageOnTheSameTelegramMessage()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, user, conversationId) = await ActiveChatAsync(owner);
        var messageId = await SendAsync(owner, conversationId, "Перша версія");
        await app.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Text == "Перша версія");
        await Eventually.MessageAsync(owner, conversationId, m => m.GetProperty("id").GetString() == messageId && m.GetProperty("deliveryStatus").GetString() == "sent", "sent");

        Assert.Equal(HttpStatusCode.OK, (await owner.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Друга версія" })).StatusCode);
        var edit = (await app.Telegram.WaitForAsync("editMessageText", user.Id)).Single();
        Assert.Equal("Друга версія", edit.Text);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/messages/{messageId}")).StatusCode);
        var delete = (await app.Telegram.WaitForAsync("deleteMessage", user.Id)).Single();

        Assert.Equal(edit.Body["message_id"]!.ToString(), delete.Body["message_id"]!.ToString());
    }

    [Fact]
    public async Task Edit_After48Hours_403SayingTelegramsLimitAndNothingSent()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        await PatchSettingsAsync(owner, new { inactivityCloseMinutes = (int?)null });
        var (_, user, conversationId) = await ActiveChatAsync(owner);
        var messageId = await SendAsync(owner, conversationId, "Стара відповідь");
        await app.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Text == "Стара відповідь");
        app.Time.Advance(TimeSpan.FromHours(49));

        var response = await owner.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Нова" });

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("48 hours", problem.GetProperty("detail").GetString());
        await Task.Delay(300);
        Assert.Empty(app.Telegram.Calls("editMessageText", user.Id));
    }

    [Fact]
    public async Task Receive_ByLongPolling_UpdateIngestedAndConfirmedWithTheNextOffset()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var token = app.Telegram.AddBot("polling_bot_" + Guid.NewGuid().ToString("N")[..6]);
        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "telegram", name = "Local bot", botToken = token, receive = "polling" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await Json(response);
        var channelId = created.GetProperty("id").GetString()!;
        Assert.Equal("polling", created.GetProperty("connection").GetProperty("receiveMode").GetString());
        Assert.Single(app.Telegram.Calls("deleteWebhook"), c => c.Token == token);
        var user = TgUser.New(firstName: "Poll", lastName: null, username: "poller", language: "en");
        var update = TelegramKit.Message(user, "Hello from polling");

        app.Telegram.QueueUpdate(token, update);

        var conversation = (await Eventually.ConversationOfChannelAsync(owner, channelId))!.Value;
        Assert.Equal("new", conversation.GetProperty("folder").GetString());
        var next = update["update_id"]!.GetValue<long>() + 1;
        await app.Telegram.WaitForAsync("getUpdates", where: c => c.Token == token && c.Body["offset"]?.GetValue<long>() == next);
        await Task.Delay(300);
        var texts = (await MessagesAsync(owner, conversation.GetProperty("id").GetString()!)).Where(m => m.GetProperty("authorKind").GetString() == "client").Select(m => m.GetProperty("text").GetString());
        Assert.Equal(["Hello from polling"], texts);
        await owner.DeleteAsync($"/api/v1/channels/{channelId}"); // stops its polling loop
    }

    /// <summary>A new bot, a client's first message, the conversation accepted by the owner; greeting and "joined" delivered.</summary>
    private async Task<(TgBot Bot, TgUser User, string ConversationId)> ActiveChatAsync(HttpClient owner)
    {
        var bot = await TelegramKit.ConnectAsync(app, owner);
        var user = TgUser.New();
        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, "Добрий день"));
        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, bot.ChannelId))!.Value.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        await app.Telegram.WaitForAsync("sendMessage", user.Id, count: 2);
        _bots[conversationId] = bot;
        return (bot, user, conversationId);
    }

    private readonly Dictionary<string, TgBot> _bots = [];

    private Task<TgBot?> BotOfAsync(HttpClient owner, string conversationId) => Task.FromResult(_bots.GetValueOrDefault(conversationId));

    private static async Task<string> SendAsync(HttpClient member, string conversationId, string text)
    {
        var response = await member.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }
}

public sealed class TelegramChannelTests_Sqlite(MessengerSqliteApp app) : TelegramChannelTests<MessengerSqliteApp>(app);

public sealed class TelegramChannelTests_Postgres(MessengerPostgresApp app) : TelegramChannelTests<MessengerPostgresApp>(app);
