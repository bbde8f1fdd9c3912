using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Realtime;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Widget;

/// <summary>The visitor hub end to end: a visitor and the team through their real hubs, on the one use-case path.</summary>
public abstract class VisitorHubTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task Send_FirstMessage_TeamSeesNewWidgetConversationLive()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var team = await HubEvents.ConnectAsync(app, ParleyApp.ManagerEmail);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        Assert.False(string.IsNullOrEmpty(visitor.Token));
        Assert.Empty(visitor.Session.GetProperty("messages").EnumerateArray());

        var sent = await visitor.SendAsync("Hello, where is my order?");

        var conversationId = sent.GetProperty("conversationId").GetString()!;
        var created = await team.WaitAsync(e => e.IsConversationChanged(conversationId, "created"));
        Assert.Equal("widget", created.Args[0].GetProperty("channelType").GetString());
        Assert.Equal("new", created.Args[0].GetProperty("folder").GetString());
        var added = await team.WaitAsync(e => e.IsMessageAdded(conversationId) && e.Args[1].GetProperty("authorKind").GetString() == "client");
        Assert.Equal("Hello, where is my order?", added.Args[1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ManagerReply_ReachesVisitorLive_MarkedSentWithoutOutbox()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        var conversationId = (await visitor.SendAsync("Hi")).GetProperty("conversationId").GetString()!;
        Assert.True((await manager.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);

        var reply = await manager.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Hello! It ships today." });
        var replyId = (await Json(reply)).GetProperty("id").GetString();

        var pushed = await visitor.WaitAsync("message", m => m.GetProperty("id").GetString() == replyId);
        Assert.Equal("manager", pushed.GetProperty("author").GetString());
        Assert.Equal("Maria Manager", pushed.GetProperty("authorName").GetString());
        Assert.Equal("Hello! It ships today.", pushed.GetProperty("text").GetString());
        var stored = (await MessagesAsync(manager, conversationId)).Single(m => m.GetProperty("id").GetString() == replyId);
        Assert.Equal("sent", stored.GetProperty("deliveryStatus").GetString());
    }

    [Fact]
    public async Task Send_SameClientMessageIdTwice_StoredOnceAndSameMessageReturned()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);

        var first = await visitor.SendAsync("Typed while offline", "offline-1");
        // The page reconnects (a new connection) and sends its queue again.
        await using var again = await VisitorClient.JoinAsync(app, channel, visitor.Token);
        var second = await again.SendAsync("Typed while offline", "offline-1");

        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        var conversationId = first.GetProperty("conversationId").GetString()!;
        var texts = (await MessagesAsync(owner, conversationId)).Where(m => m.GetProperty("authorKind").GetString() == "client").ToList();
        Assert.Single(texts);
    }

    [Fact]
    public async Task Send_TextOver4000Characters_RefusedWithClearMessageAndNothingStored()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);

        var refused = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync(new string('я', 4001)));
        Assert.Contains("too long", refused.Message);
        Assert.Contains("4,000", refused.Message);
        await using var reload = await VisitorClient.JoinAsync(app, channel, visitor.Token);
        Assert.Empty(reload.Session.GetProperty("messages").EnumerateArray());

        var accepted = await visitor.SendAsync(new string('я', 4000));
        Assert.Equal(4000, accepted.GetProperty("text").GetString()!.Length);
    }

    [Fact]
    public async Task Send_FasterThanTheVisitorLimit_SlowDownAndLaterMessagesRefused()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        await using var neighbour = await VisitorClient.JoinAsync(app, channel);

        for (var i = 0; i < 20; i++) await visitor.SendAsync($"message {i}");
        var refused = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("one too many"));

        Assert.Contains("slow down", refused.Message, StringComparison.OrdinalIgnoreCase);
        // The limit is the visitor's own: another visitor still writes.
        await neighbour.SendAsync("I am someone else");
        var conversationId = (await neighbour.SendAsync("still here")).GetProperty("conversationId").GetString()!;
        Assert.NotNull(conversationId);
    }

    [Fact]
    public async Task Join_FromOriginNotAllowed_RefusedAndAllowedOriginWorks()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner, new { allowedOrigins = new[] { "https://shop.example" } });

        await using var stranger = await VisitorClient.ConnectAsync(app, origin: "https://evil.example");
        var refused = await Assert.ThrowsAsync<HubException>(() => stranger.JoinAsync(channel));
        Assert.Contains("not allowed", refused.Message);

        await using var shop = await VisitorClient.JoinAsync(app, channel, origin: "https://shop.example");
        Assert.False(string.IsNullOrEmpty(shop.Token));

        // The widget's own frame connects from the server's origin; then the page that embeds it is checked.
        await using var frame = await VisitorClient.ConnectAsync(app, origin: "http://localhost");
        await Assert.ThrowsAsync<HubException>(() => frame.JoinAsync(channel, hostOrigin: "https://evil.example"));
        await frame.JoinAsync(channel, hostOrigin: "https://shop.example");
    }

    [Fact]
    public async Task Send_ChannelChangedMidSession_NextSendSeesTheChangeAtOnce()
    {
        // The hub keeps the channel it read for each action (ChannelCache); a change saved here must not wait for it.
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        var conversationId = (await visitor.SendAsync("first")).GetProperty("conversationId").GetString()!;

        var disabled = await owner.PatchAsJsonAsync($"/api/v1/channels/{channel.Id}", new { isEnabled = false });
        Assert.True(disabled.IsSuccessStatusCode);
        var refused = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("while disabled"));
        Assert.Contains("not available", refused.Message);

        Assert.True((await owner.PatchAsJsonAsync($"/api/v1/channels/{channel.Id}", new { isEnabled = true })).IsSuccessStatusCode);
        await visitor.SendAsync("enabled again");
        Assert.True((await owner.PutAsJsonAsync($"/api/v1/channels/{channel.Id}/widget", new { requireVerification = true })).IsSuccessStatusCode);
        var unverified = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("not signed in"));
        Assert.Contains("signed-in", unverified.Message);

        Assert.Equal(["first", "enabled again"], (await MessagesAsync(owner, conversationId))
            .Where(m => m.GetProperty("authorKind").GetString() == "client").Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Identify_VerificationRequired_WrongHashAndAnonymousRefusedRightHashFollowsAcrossDevices()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner, new { requireVerification = true });
        await using var laptop = await VisitorClient.JoinAsync(app, channel);
        Assert.True(laptop.Session.GetProperty("needsIdentify").GetBoolean());
        Assert.Equal(JsonValueKind.Null, laptop.Session.GetProperty("visitorToken").ValueKind);

        var anonymous = await Assert.ThrowsAsync<HubException>(() => laptop.SendAsync("let me in"));
        Assert.Contains("signed-in", anonymous.Message);
        var wrong = await Assert.ThrowsAsync<HubException>(() => laptop.IdentifyAsync("42", channel.UserHash("43")));
        Assert.Contains("verification failed", wrong.Message);

        var session = await laptop.IdentifyAsync("42", channel.UserHash("42"));
        Assert.True(session.GetProperty("verified").GetBoolean());
        var conversationId = (await laptop.SendAsync("Written on my laptop")).GetProperty("conversationId").GetString()!;
        var clientId = (await ConversationAsync(owner, conversationId)).GetProperty("clientId").GetString();
        var card = await GetJsonAsync(owner, $"/api/v1/clients/{clientId}");
        Assert.True(card.GetProperty("isVerified").GetBoolean());

        await using var phone = await VisitorClient.JoinAsync(app, channel);
        var onPhone = await phone.IdentifyAsync("42", channel.UserHash("42").ToUpperInvariant());
        Assert.Contains(onPhone.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "Written on my laptop");
    }

    [Fact]
    public async Task Visitors_TwoOnOneChannel_NeitherSeesTheOthersConversation()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        var other = await WidgetChannel.CreateAsync(owner);
        await using var alice = await VisitorClient.JoinAsync(app, channel);
        await using var bob = await VisitorClient.JoinAsync(app, channel);
        var aliceConversation = (await alice.SendAsync("Alice's secret order 1234")).GetProperty("conversationId").GetString()!;
        Assert.True((await owner.PostAsync($"/api/v1/conversations/{aliceConversation}/accept", null)).IsSuccessStatusCode);
        await owner.PostAsJsonAsync($"/api/v1/conversations/{aliceConversation}/messages", new { text = "Alice, your order is ready" });
        await alice.WaitAsync("message", m => m.GetProperty("text").GetString() == "Alice, your order is ready");

        Assert.DoesNotContain(bob.All, e => e.Arg.ToString().Contains("Alice", StringComparison.Ordinal));
        await using var bobReloaded = await VisitorClient.JoinAsync(app, channel, bob.Token);
        Assert.Empty(bobReloaded.Session.GetProperty("messages").EnumerateArray());

        // Alice's token is for her channel only: elsewhere it is just a new anonymous visitor.
        await using var replay = await VisitorClient.JoinAsync(app, other, alice.Token);
        Assert.NotEqual(alice.Session.GetProperty("visitorId").GetString(), replay.Session.GetProperty("visitorId").GetString());
        Assert.Empty(replay.Session.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task TeamActions_EditDeleteNoteAndRead_VisitorSeesEditsDeletionsSeenButNeverTheNote()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        var conversationId = (await visitor.SendAsync("Question")).GetProperty("conversationId").GetString()!;
        Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
        await owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Private: VIP client", isPrivateNote = true });
        var answer = await Json(await owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Frist answer" }));
        var answerId = answer.GetProperty("id").GetString();
        await visitor.WaitAsync("message", m => m.GetProperty("id").GetString() == answerId);

        Assert.True((await owner.PatchAsJsonAsync($"/api/v1/messages/{answerId}", new { text = "First answer" })).IsSuccessStatusCode);
        var edited = await visitor.WaitAsync("messageChanged", m => m.GetProperty("id").GetString() == answerId && !m.GetProperty("deleted").GetBoolean());
        Assert.Equal("First answer", edited.GetProperty("text").GetString());
        Assert.True((await owner.DeleteAsync($"/api/v1/messages/{answerId}")).IsSuccessStatusCode);
        var deleted = await visitor.WaitAsync("messageChanged", m => m.GetProperty("id").GetString() == answerId && m.GetProperty("deleted").GetBoolean());
        Assert.Equal("", deleted.GetProperty("text").GetString());

        await visitor.SendAsync("Thanks");
        Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/read", null)).IsSuccessStatusCode);
        Assert.Equal(conversationId, (await visitor.WaitAsync("seen")).GetString());

        Assert.DoesNotContain(visitor.All, e => e.Arg.ToString().Contains("VIP", StringComparison.Ordinal));
        await using var reload = await VisitorClient.JoinAsync(app, channel, visitor.Token);
        var history = reload.Session.GetProperty("messages").EnumerateArray().ToList();
        Assert.DoesNotContain(history, m => m.GetProperty("text").GetString()!.Contains("VIP", StringComparison.Ordinal));
        Assert.Contains(history, m => m.GetProperty("id").GetString() == answerId && m.GetProperty("deleted").GetBoolean());
        Assert.True(reload.Session.GetProperty("seen").GetBoolean());
    }

    [Fact]
    public async Task Typing_BothWays_TeamSeesVisitorAndVisitorSeesManager()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var team = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);
        var conversationId = (await visitor.SendAsync("Hi", customer: new { name = "Olha" })).GetProperty("conversationId").GetString()!;

        await visitor.Hub.InvokeAsync("Typing", true);
        var typing = await team.WaitAsync(e => e.Name == "typing" && e.Args[0].GetString() == conversationId);
        Assert.Equal("Olha", typing.Args[1].GetString());
        Assert.True(typing.Args[3].GetBoolean());

        await team.Hub.InvokeAsync("Typing", Guid.Parse(conversationId), true);
        var managerTyping = await visitor.WaitAsync("typing");
        Assert.Equal("Olena Owner", managerTyping.GetProperty("name").GetString());
        Assert.True(managerTyping.GetProperty("isTyping").GetBoolean());
    }

    [Fact]
    public async Task Buttons_MoreQuestionsNoThenRating_ArchiveAndStoreTheRating()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await PatchSettingsAsync(owner, new { askWhetherResolved = true, ratingRequired = true });
        try
        {
            await using var visitor = await VisitorClient.JoinAsync(app, channel);
            var conversationId = (await visitor.SendAsync("Help")).GetProperty("conversationId").GetString()!;
            Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).IsSuccessStatusCode);
            Assert.True((await owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).IsSuccessStatusCode);
            var question = await visitor.WaitAsync("message", m => m.GetProperty("buttons").GetArrayLength() == 2);
            Assert.Equal("system", question.GetProperty("author").GetString());

            await visitor.PressAsync("more_questions:no");
            var rate = await visitor.WaitAsync("message", m => m.GetProperty("buttons").GetArrayLength() == 5);
            Assert.Equal("rating:5", rate.GetProperty("buttons")[4].GetProperty("payload").GetString());
            await visitor.PressAsync("rating:4");

            var conversation = await ConversationAsync(owner, conversationId);
            Assert.Equal("archived", conversation.GetProperty("folder").GetString());
            Assert.Equal("resolvedByClient", conversation.GetProperty("archiveReason").GetString());
            Assert.Equal(4, conversation.GetProperty("rating").GetInt32());
            await Assert.ThrowsAsync<HubException>(() => visitor.PressAsync("rating:9"));
        }
        finally
        {
            await PatchSettingsAsync(owner, new { askWhetherResolved = false, ratingRequired = false });
        }
    }

    [Fact]
    public async Task Send_WithCustomerData_FillsTheClientCardOnceAndRefusesInvalidEmail()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        await using var visitor = await VisitorClient.JoinAsync(app, channel);

        var invalid = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("Hi", customer: new { email = "not-an-email" }));
        Assert.Contains("'email'", invalid.Message);
        var sent = await visitor.SendAsync("Hi", customer: new { name = "Ivan", email = "ivan@shop.example", phone = "+38 (050) 123-45-67", customFields = new { plan = "gold" } });

        var clientId = (await ConversationAsync(owner, sent.GetProperty("conversationId").GetString()!)).GetProperty("clientId").GetString();
        var card = await GetJsonAsync(owner, $"/api/v1/clients/{clientId}");
        Assert.Equal("Ivan", card.GetProperty("name").GetString());
        Assert.Equal("ivan@shop.example", card.GetProperty("email").GetString());
        Assert.Equal("+380501234567", card.GetProperty("phone").GetString());
        Assert.Equal("en", card.GetProperty("language").GetString());
        Assert.False(card.GetProperty("isVerified").GetBoolean());
    }
}

public sealed class VisitorHubTests_Sqlite(SqliteApp app) : VisitorHubTests<SqliteApp>(app);

public sealed class VisitorHubTests_Postgres(PostgresApp app) : VisitorHubTests<PostgresApp>(app);
