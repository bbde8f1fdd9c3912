using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Channels;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Realtime;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels;

/// <summary>The API channel's outbox: retries with backoff on the fake clock, order per conversation, delivery status, edits and deletes.</summary>
public abstract class OutboxTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task Deliver_Webhook500Twice_DeliveredOnceAfterBackoff()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, conversationId) = await ActiveChatAsync(owner, hook, "outbox-retry-1");
        Fail(hook, 500, 500);

        var messageId = await SendAsync(owner, conversationId, "Повторна доставка");

        await WaitUntilAsync(() => FailuresLeft(hook) == 1, "the first attempt");
        Assert.Equal("queued", (await MessageAsync(owner, conversationId, messageId)).GetProperty("deliveryStatus").GetString());
        Assert.False(hook.TryTakeImmediately(out _));
        app.Time.Advance(OutboxDispatcher.Backoff(1) + TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => FailuresLeft(hook) == 0, "the second attempt");
        app.Time.Advance(OutboxDispatcher.Backoff(2) + TimeSpan.FromSeconds(1));

        var delivered = await hook.NextAsync();
        Assert.Equal(messageId, delivered.Body.GetProperty("messageId").GetString());
        Assert.Equal("Повторна доставка", delivered.Body.GetProperty("text").GetString());
        await WaitForDeliveryStatusAsync(owner, conversationId, messageId, "sent");

        // Exactly once: more time and a later message; the next delivery is that message, not the first one again.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var barrierId = await SendAsync(owner, conversationId, "Бар'єр");
        Assert.Equal(barrierId, (await hook.NextAsync()).Body.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Deliver_ThreeQuickMessages_WebhookGetsThemInSendOrder()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, conversationId) = await ActiveChatAsync(owner, hook, "outbox-order-1");

        var sent = new List<string?>();
        for (var i = 1; i <= 3; i++) sent.Add(await SendAsync(owner, conversationId, $"Повідомлення {i}"));

        var received = new List<string?>();
        for (var i = 0; i < 3; i++) received.Add((await hook.NextAsync()).Body.GetProperty("messageId").GetString());
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task Deliver_FirstOfThreeRetried_LaterOnesWaitAndOrderIsKept()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, conversationId) = await ActiveChatAsync(owner, hook, "outbox-order-2");
        Fail(hook, 503);

        var sent = new List<string?>();
        for (var i = 1; i <= 3; i++) sent.Add(await SendAsync(owner, conversationId, $"Черга {i}"));
        await WaitUntilAsync(() => FailuresLeft(hook) == 0, "the first attempt");
        Assert.False(hook.TryTakeImmediately(out _)); // the second and third wait behind the first
        app.Time.Advance(OutboxDispatcher.Backoff(1) + TimeSpan.FromSeconds(1));

        var received = new List<string?>();
        for (var i = 0; i < 3; i++) received.Add((await hook.NextAsync()).Body.GetProperty("messageId").GetString());
        Assert.Equal(sent, received);
    }

    [Fact]
    public async Task Deliver_Webhook400_FailedWithReasonInRestAndOnHub()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, conversationId) = await ActiveChatAsync(owner, hook, "outbox-400-1");
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        Fail(hook, 400);

        var messageId = await SendAsync(owner, conversationId, "Не дійде");

        var changed = await ownerLive.WaitAsync(e => e.IsMessageChanged(messageId, "delivery"));
        Assert.Equal(conversationId, changed.Args[0].GetString());
        Assert.Equal("failed", changed.Args[1].GetProperty("deliveryStatus").GetString());
        Assert.Contains("400", changed.Args[1].GetProperty("deliveryError").GetString());
        var stored = await MessageAsync(owner, conversationId, messageId);
        Assert.Equal("failed", stored.GetProperty("deliveryStatus").GetString());
        Assert.Contains("400", stored.GetProperty("deliveryError").GetString());

        // Not retried: time passes, the next message is the next delivery.
        app.Time.Advance(TimeSpan.FromMinutes(10));
        var nextId = await SendAsync(owner, conversationId, "А це дійде");
        Assert.Equal(nextId, (await hook.NextAsync()).Body.GetProperty("messageId").GetString());
        Assert.Equal("failed", (await MessageAsync(owner, conversationId, messageId)).GetProperty("deliveryStatus").GetString());
    }

    [Fact]
    public async Task Deliver_Webhook200_SentInRestAndOnHub()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, conversationId) = await ActiveChatAsync(owner, hook, "outbox-sent-1");
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);

        var messageId = await SendAsync(owner, conversationId, "Дійде");

        var changed = await ownerLive.WaitAsync(e => e.IsMessageChanged(messageId, "delivery"));
        Assert.Equal("sent", changed.Args[1].GetProperty("deliveryStatus").GetString());
        Assert.Equal(JsonValueKind.Null, changed.Args[1].GetProperty("deliveryError").ValueKind);
        var stored = await MessageAsync(owner, conversationId, messageId);
        Assert.Equal("sent", stored.GetProperty("deliveryStatus").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("deliveryError").ValueKind);
    }

    [Fact]
    public async Task Edit_SentMessage_WebhookGetsMessageEditedWithNewText()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (channel, conversationId) = await ActiveChatAsync(owner, hook, "outbox-edit-1");
        var messageId = await SendAsync(owner, conversationId, "Перша версія");
        Assert.Equal("message.created", (await hook.NextAsync()).Body.GetProperty("event").GetString());

        var edit = await owner.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "Друга версія" });

        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Equal("Друга версія", (await Json(edit)).GetProperty("text").GetString());
        var edited = await hook.NextAsync();
        Assert.Equal("message.edited", edited.Body.GetProperty("event").GetString());
        Assert.Equal(messageId, edited.Body.GetProperty("messageId").GetString());
        Assert.Equal("Друга версія", edited.Body.GetProperty("text").GetString());
        Assert.True(WebhookReceiver.IsSignedWith(edited, channel.Secret));
        var stored = await MessageAsync(owner, conversationId, messageId);
        Assert.Equal("Друга версія", stored.GetProperty("text").GetString());
        Assert.Equal("Перша версія", Assert.Single(stored.GetProperty("edits").EnumerateArray()).GetProperty("previousText").GetString());
    }

    [Fact]
    public async Task Delete_SentMessage_WebhookGetsMessageDeleted()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (channel, conversationId) = await ActiveChatAsync(owner, hook, "outbox-delete-1");
        var messageId = await SendAsync(owner, conversationId, "Це буде видалено");
        Assert.Equal("message.created", (await hook.NextAsync()).Body.GetProperty("event").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/messages/{messageId}")).StatusCode);

        var deleted = await hook.NextAsync();
        Assert.Equal("message.deleted", deleted.Body.GetProperty("event").GetString());
        Assert.Equal(messageId, deleted.Body.GetProperty("messageId").GetString());
        Assert.Equal("", deleted.Body.GetProperty("text").GetString());
        Assert.True(WebhookReceiver.IsSignedWith(deleted, channel.Secret));
        Assert.NotEqual(JsonValueKind.Null, (await MessageAsync(owner, conversationId, messageId)).GetProperty("deletedAt").ValueKind);
    }

    [Fact]
    public async Task Send_PrivateNote_NeverReachesWebhook()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, conversationId) = await ActiveChatAsync(owner, hook, "outbox-note-1");

        var note = await owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Тільки для команди", isPrivateNote = true });
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);
        var noteBody = await Json(note);
        Assert.True(noteBody.GetProperty("isPrivateNote").GetBoolean());
        var noteId = noteBody.GetProperty("id").GetString()!;
        var afterId = await SendAsync(owner, conversationId, "Для клієнта");

        var next = await hook.NextAsync();
        Assert.Equal(afterId, next.Body.GetProperty("messageId").GetString());
        Assert.Equal("none", (await MessageAsync(owner, conversationId, noteId)).GetProperty("deliveryStatus").GetString());
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var barrierId = await SendAsync(owner, conversationId, "Ще одне");
        Assert.Equal(barrierId, (await hook.NextAsync()).Body.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task Deliver_ManagerMessage_BodyHasExactlyTheContractFieldsAndValidSignature()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (channel, conversationId) = await ActiveChatAsync(owner, hook, "outbox-fields-1");
        var messageId = await SendAsync(owner, conversationId, "Поля і підпис");

        var delivered = await hook.NextAsync();

        // event, conversationId, messageId, clientId, authorKind, text, buttons — plus, as ApiChannelSender.WebhookPayload
        // sends them, externalClientId, systemKind, attachments and createdAt. Nothing else (no internal fields).
        string[] contract = ["event", "conversationId", "messageId", "clientId", "externalClientId", "authorKind", "text", "systemKind", "buttons", "attachments", "createdAt"];
        Assert.Equal(contract.Order(), delivered.Body.EnumerateObject().Select(p => p.Name).Order());
        var body = delivered.Body;
        Assert.Equal("message.created", body.GetProperty("event").GetString());
        Assert.Equal(conversationId, body.GetProperty("conversationId").GetString());
        Assert.Equal(messageId, body.GetProperty("messageId").GetString());
        Assert.Equal((await ConversationAsync(owner, conversationId)).GetProperty("clientId").GetString(), body.GetProperty("clientId").GetString());
        Assert.Equal("outbox-fields-1", body.GetProperty("externalClientId").GetString());
        Assert.Equal("manager", body.GetProperty("authorKind").GetString());
        Assert.Equal("Поля і підпис", body.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("buttons").ValueKind);
        Assert.Empty(body.GetProperty("buttons").EnumerateArray());
        Assert.True(WebhookReceiver.IsSignedWith(delivered, channel.Secret));
        Assert.False(WebhookReceiver.IsSignedWith(delivered, channel.Secret + "x"));
        Assert.False(WebhookReceiver.IsSignedWith(delivered with { RawBody = delivered.RawBody.Replace("manager", "managex", StringComparison.Ordinal) }, channel.Secret));
    }

    /// <summary>A new API channel on this receiver, a client's chat accepted by the owner; greeting and "joined" already delivered.</summary>
    private async Task<(ApiChannel Channel, string ConversationId)> ActiveChatAsync(HttpClient owner, WebhookReceiver hook, string clientId)
    {
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, clientId, "Добрий день");
        Assert.Equal("greeting", (await hook.NextAsync()).Body.GetProperty("systemKind").GetString());
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        Assert.Equal("managerJoined", (await hook.NextAsync()).Body.GetProperty("systemKind").GetString());
        return (channel, conversationId);
    }

    private static async Task<string> SendAsync(HttpClient member, string conversationId, string text)
    {
        var response = await member.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> MessageAsync(HttpClient member, string conversationId, string messageId) =>
        Assert.Single(await MessagesAsync(member, conversationId), m => m.GetProperty("id").GetString() == messageId);

    private static async Task WaitForDeliveryStatusAsync(HttpClient member, string conversationId, string messageId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string? last;
        do
        {
            last = (await MessageAsync(member, conversationId, messageId)).GetProperty("deliveryStatus").GetString();
            if (last == status) return;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"deliveryStatus stayed '{last}', expected '{status}'.");
    }

    private static void Fail(WebhookReceiver hook, params int[] statuses)
    {
        lock (hook.Failures)
        {
            foreach (var status in statuses) hook.Failures.Enqueue(status);
        }
    }

    private static int FailuresLeft(WebhookReceiver hook)
    {
        lock (hook.Failures) return hook.Failures.Count;
    }

    /// <summary>Waits (bounded, real time) for the outbox's background loop to reach a point.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}

public sealed class OutboxTests_Sqlite(SqliteApp app) : OutboxTests<SqliteApp>(app);

public sealed class OutboxTests_Postgres(PostgresApp app) : OutboxTests<PostgresApp>(app);
