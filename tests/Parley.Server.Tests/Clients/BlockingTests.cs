using System.Net;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using Parley.Server.Tests.Realtime;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Clients;

/// <summary>Blocking (rule 1 and "Archived: Blocked"): a blocked client's chat closes silently, and what they write reaches nobody.</summary>
public abstract class BlockingTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task Block_ClientWithOpenChat_ArchivedBlockedWithoutGoodbye()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, clientId) = await ActiveChatAsync(owner, anonymous, hook, channel, "block-open-1");

        var card = await BlockAsync(owner, clientId, block: true);

        Assert.True(card.GetProperty("isBlocked").GetBoolean());
        var conversation = await ConversationAsync(owner, conversationId);
        Assert.Equal("archived", conversation.GetProperty("folder").GetString());
        Assert.Equal("blocked", conversation.GetProperty("archiveReason").GetString());
        Assert.DoesNotContain(await MessagesAsync(owner, conversationId), m => m.GetProperty("authorKind").GetString() == "system"
            && m.GetProperty("systemKind").GetString() is "closed" or "closedInactivity" or "rateUs");

        // Barrier: another client's greeting is the next delivery, so no goodbye went out before it.
        var (barrierId, _) = await ClientSaysAsync(anonymous, channel, "block-open-barrier-1", "Привіт");
        var next = await hook.NextAsync();
        Assert.Equal(barrierId, next.Body.GetProperty("conversationId").GetString());
        Assert.Equal("greeting", next.Body.GetProperty("systemKind").GetString());
    }

    [Fact]
    public async Task Inbound_BlockedClient_AcceptedButNoConversationNoEventNoGreeting()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, clientId) = await ActiveChatAsync(owner, anonymous, hook, channel, "block-inbound-1");
        await using var ownerLive = await HubEvents.ConnectAsync(app, ParleyApp.OwnerEmail);
        await BlockAsync(owner, clientId, block: true);
        await ownerLive.WaitAsync(e => e.IsConversationChanged(conversationId, "archived"));
        var seenBefore = ownerLive.All.Count;

        var response = await InboundAsync(anonymous, channel, new { clientId = "block-inbound-1", text = "Мене чути?", clientMessageId = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        foreach (var folder in new[] { "new", "active" })
            Assert.Empty((await GetJsonAsync(owner, $"/api/v1/conversations?folder={folder}&clientId={clientId}")).GetProperty("items").EnumerateArray());
        var all = (await GetJsonAsync(owner, $"/api/v1/conversations?clientId={clientId}")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(conversationId, Assert.Single(all).GetProperty("id").GetString());
        Assert.Equal("blocked", Assert.Single(all).GetProperty("archiveReason").GetString());
        Assert.DoesNotContain(await MessagesAsync(owner, conversationId), m => m.GetProperty("text").GetString() == "Мене чути?");

        // Barrier: another client's new chat reaches the owner and the webhook; nothing about the blocked client came first.
        var (barrierId, _) = await ClientSaysAsync(anonymous, channel, "block-inbound-barrier-1", "Привіт");
        await ownerLive.WaitAsync(e => e.IsConversationChanged(barrierId, "created"));
        Assert.DoesNotContain(ownerLive.All.Skip(seenBefore), e => e.Name != "counts" && !e.Mentions(barrierId));
        var next = await hook.NextAsync();
        Assert.Equal(barrierId, next.Body.GetProperty("conversationId").GetString());
    }

    [Fact]
    public async Task Unblock_ThenClientWrites_NewConversationWithGreeting()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, clientId) = await ActiveChatAsync(owner, anonymous, hook, channel, "block-unblock-1");
        await BlockAsync(owner, clientId, block: true);
        await ClientSaysAsync(anonymous, channel, "block-unblock-1", "Поки заблокований");

        var card = await BlockAsync(owner, clientId, block: false);
        var (newId, _) = await ClientSaysAsync(anonymous, channel, "block-unblock-1", "Тепер мене чути?", name: "Ivan");

        Assert.False(card.GetProperty("isBlocked").GetBoolean());
        Assert.NotEqual(conversationId, newId);
        var conversation = await ConversationAsync(owner, newId);
        Assert.Equal("new", conversation.GetProperty("folder").GetString());
        Assert.Equal(clientId, conversation.GetProperty("clientId").GetString());
        var greeting = await hook.NextAsync();
        Assert.Equal(newId, greeting.Body.GetProperty("conversationId").GetString());
        Assert.Equal("greeting", greeting.Body.GetProperty("systemKind").GetString());
        Assert.StartsWith("Вітаємо, Ivan!", greeting.Body.GetProperty("text").GetString());
        var texts = (await MessagesAsync(owner, newId)).Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Contains("Тепер мене чути?", texts);
        Assert.DoesNotContain("Поки заблокований", texts);
    }

    /// <summary>A client writes and the owner accepts; the greeting and "joined" are consumed from the webhook.</summary>
    private static async Task<(string ConversationId, string ClientId)> ActiveChatAsync(
        HttpClient owner, HttpClient anonymous, WebhookReceiver hook, ApiChannel channel, string externalId)
    {
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, externalId, "Добрий день");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        Assert.Equal("greeting", (await hook.NextAsync()).Body.GetProperty("systemKind").GetString());
        Assert.Equal("managerJoined", (await hook.NextAsync()).Body.GetProperty("systemKind").GetString());
        return (conversationId, (await ConversationAsync(owner, conversationId)).GetProperty("clientId").GetString()!);
    }

    private static async Task<JsonElement> BlockAsync(HttpClient member, string clientId, bool block)
    {
        var response = await member.PostAsync($"/api/v1/clients/{clientId}/{(block ? "block" : "unblock")}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }
}

public sealed class BlockingTests_Sqlite(SqliteApp app) : BlockingTests<SqliteApp>(app);

public sealed class BlockingTests_Postgres(PostgresApp app) : BlockingTests<PostgresApp>(app);
