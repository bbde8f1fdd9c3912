using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Clients;

/// <summary>The client card: contacts, notes, tags, blocking, and who may see it.</summary>
public abstract class ClientCardTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private static string NewClientId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(ApiChannel Channel, string ConversationId, string ClientId)> ClientAsync(
        HttpClient owner, WebhookReceiver hook, string externalId, string text = "Добрий день", string language = "uk", string name = "Ivan")
    {
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, externalId, text, language, name);
        return (channel, conversationId, (await ConversationAsync(owner, conversationId)).GetProperty("clientId").GetString()!);
    }

    [Fact]
    public async Task GetCard_AfterConversation_NameLanguageAndChannelIdentity()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var externalId = NewClientId("card");
        var (channel, conversationId, clientId) = await ClientAsync(owner, hook, externalId, "Hello", "en-GB", "Alice Cooper");

        var card = await GetJsonAsync(owner, $"/api/v1/clients/{clientId}");

        Assert.Equal(clientId, card.GetProperty("id").GetString());
        Assert.Equal("Alice Cooper", card.GetProperty("name").GetString());
        Assert.Equal("en", card.GetProperty("language").GetString());
        Assert.False(card.GetProperty("isBlocked").GetBoolean());
        var identity = Assert.Single(card.GetProperty("identities").EnumerateArray());
        Assert.Equal(channel.Id, identity.GetProperty("channelId").GetString());
        Assert.Equal(externalId, identity.GetProperty("externalId").GetString());
        var conversations = (await GetJsonAsync(owner, $"/api/v1/clients/{clientId}/conversations")).GetProperty("items").EnumerateArray();
        Assert.Equal([conversationId], conversations.Select(c => c.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task PatchCard_InvalidEmail_400NamingEmailAndUnchanged()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, _, clientId) = await ClientAsync(owner, hook, NewClientId("email"));

        var response = await owner.PatchAsJsonAsync($"/api/v1/clients/{clientId}", new { email = "ivan@", name = "Renamed" });

        var errors = (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("not a valid email", errors.GetProperty("email")[0].GetString());
        var card = await GetJsonAsync(owner, $"/api/v1/clients/{clientId}");
        Assert.Equal(JsonValueKind.Null, card.GetProperty("email").ValueKind);
        Assert.Equal("Ivan", card.GetProperty("name").GetString());
    }

    [Fact]
    public async Task PatchCard_ValidEmailAndFormattedPhone_StoredWithPhoneInE164()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, _, clientId) = await ClientAsync(owner, hook, NewClientId("phone"));

        var response = await owner.PatchAsJsonAsync($"/api/v1/clients/{clientId}", new { email = "ivan@example.com", phone = "+38 (050) 123-45-67" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("+380501234567", (await Json(response)).GetProperty("phone").GetString());
        var card = await GetJsonAsync(owner, $"/api/v1/clients/{clientId}");
        Assert.Equal("+380501234567", card.GetProperty("phone").GetString());
        Assert.Equal("ivan@example.com", card.GetProperty("email").GetString());
    }

    [Theory]
    [InlineData("050 123 45 67")]
    [InlineData("+38 050 CALL ME")]
    [InlineData("+12")]
    public async Task PatchCard_InvalidPhone_400NamingPhoneAndUnchanged(string phone)
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, _, clientId) = await ClientAsync(owner, hook, NewClientId("badphone"));

        var response = await owner.PatchAsJsonAsync($"/api/v1/clients/{clientId}", new { phone });

        Assert.Contains("international number", (await AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("phone")[0].GetString());
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("phone").ValueKind);
    }

    [Fact]
    public async Task Notes_AddedByTwoMembers_ListedInOrderWithAuthors()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        var (_, _, clientId) = await ClientAsync(owner, hook, NewClientId("notes"));

        var first = await owner.PostAsJsonAsync($"/api/v1/clients/{clientId}/notes", new { text = "Prefers phone calls" });
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await supervisor.PostAsJsonAsync($"/api/v1/clients/{clientId}/notes", new { text = "Wholesale buyer" });
        var empty = await owner.PostAsJsonAsync($"/api/v1/clients/{clientId}/notes", new { text = "  " });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.True((await AssertProblemAsync(empty, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("text", out _));
        var notes = (await GetJsonAsync(owner, $"/api/v1/clients/{clientId}/notes")).EnumerateArray()
            .Select(n => (n.GetProperty("text").GetString(), n.GetProperty("authorId").GetString())).ToList();
        Assert.Equal([("Prefers phone calls", await MemberIdAsync(owner)), ("Wholesale buyer", await MemberIdAsync(supervisor))], notes);
    }

    [Fact]
    public async Task SetTags_UnknownTag_400AndTagsUnchanged_ValidTag_OnCard()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var (_, _, clientId) = await ClientAsync(owner, hook, NewClientId("tags"));
        var vip = (await GetJsonAsync(owner, "/api/v1/tags")).EnumerateArray().First(t => t.GetProperty("name").GetString() == "VIP").GetProperty("id").GetString()!;

        var unknown = await owner.PutAsJsonAsync($"/api/v1/clients/{clientId}/tags", new { tagIds = new[] { vip, Guid.NewGuid().ToString() } });

        Assert.Contains("do not exist", (await AssertProblemAsync(unknown, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("tagIds")[0].GetString());
        Assert.Empty((await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("tagIds").EnumerateArray());

        var valid = await owner.PutAsJsonAsync($"/api/v1/clients/{clientId}/tags", new { tagIds = new[] { vip } });

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal([vip], (await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("tagIds").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains((await GetJsonAsync(owner, $"/api/v1/conversations?tag={vip}")).GetProperty("items").EnumerateArray(), c => c.GetProperty("clientId").GetString() == clientId);

        Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/clients/{clientId}/tags", new { tagIds = Array.Empty<string>() })).StatusCode);
        Assert.Empty((await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("tagIds").EnumerateArray());
    }

    [Fact]
    public async Task Block_OpenConversation_ArchivedAsBlockedAndNewMessagesHiddenUntilUnblock()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var externalId = NewClientId("blocked");
        var (channel, conversationId, clientId) = await ClientAsync(owner, hook, externalId, "Перше повідомлення");
        Assert.Equal("system", (await hook.NextAsync()).Body.GetProperty("authorKind").GetString()); // the greeting

        var block = await owner.PostAsync($"/api/v1/clients/{clientId}/block", null);

        Assert.Equal(HttpStatusCode.OK, block.StatusCode);
        Assert.True((await Json(block)).GetProperty("isBlocked").GetBoolean());
        var archived = await ConversationAsync(owner, conversationId);
        Assert.Equal("archived", archived.GetProperty("folder").GetString());
        Assert.Equal("blocked", archived.GetProperty("archiveReason").GetString());

        var countsBefore = (await GetJsonAsync(owner, "/api/v1/conversations/counts")).ToString();
        var archivedBefore = archived.ToString();
        var response = await InboundAsync(anonymous, channel, new { clientId = externalId, text = "Spam from a blocked client", clientMessageId = Guid.NewGuid().ToString() });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(countsBefore, (await GetJsonAsync(owner, "/api/v1/conversations/counts")).ToString());
        Assert.Empty((await GetJsonAsync(owner, "/api/v1/conversations?q=Spam%20from%20a%20blocked")).GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(await MessagesAsync(owner, conversationId), m => m.GetProperty("text").GetString() == "Spam from a blocked client");
        Assert.Equal(archivedBefore, (await ConversationAsync(owner, conversationId)).ToString());
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(hook.TryTakeImmediately(out var unexpected), $"A blocked client got a delivery: {unexpected?.RawBody}");

        var unblock = await owner.PostAsync($"/api/v1/clients/{clientId}/unblock", null);
        Assert.Equal(HttpStatusCode.OK, unblock.StatusCode);
        Assert.False((await Json(unblock)).GetProperty("isBlocked").GetBoolean());
        var (reopened, _) = await ClientSaysAsync(anonymous, channel, externalId, "I am back", "uk", "Ivan");

        Assert.NotEqual(conversationId, reopened);
        Assert.Equal("new", (await ConversationAsync(owner, reopened)).GetProperty("folder").GetString());
        Assert.Contains((await GetJsonAsync(owner, "/api/v1/conversations?folder=new")).GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetString() == reopened);
        Assert.Equal("system", (await hook.NextAsync()).Body.GetProperty("authorKind").GetString());
    }

    [Fact]
    public async Task GetCard_ManagerSeesUnassignedNewChat_ButNotClientOfAnothersActiveChat()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var (_, _, visibleClient) = await ClientAsync(owner, hook, NewClientId("visible"), name: "Visible Vasyl");
        var (_, hiddenConversation, hiddenClient) = await ClientAsync(owner, hook, NewClientId("hidden"), name: "Hidden Halyna");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsync($"/api/v1/conversations/{hiddenConversation}/accept", null)).StatusCode);

        var visible = await manager.GetAsync($"/api/v1/clients/{visibleClient}");
        var hidden = await manager.GetAsync($"/api/v1/clients/{hiddenClient}");

        Assert.Equal(HttpStatusCode.OK, visible.StatusCode);
        Assert.Equal("Visible Vasyl", (await Json(visible)).GetProperty("name").GetString());
        await AssertProblemAsync(hidden, HttpStatusCode.NotFound);
        Assert.DoesNotContain("Hidden Halyna", await hidden.Content.ReadAsStringAsync());
        await AssertProblemAsync(await manager.PatchAsJsonAsync($"/api/v1/clients/{hiddenClient}", new { name = "Changed" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await manager.PostAsJsonAsync($"/api/v1/clients/{hiddenClient}/notes", new { text = "Peek" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await manager.GetAsync($"/api/v1/clients/{hiddenClient}/notes"), HttpStatusCode.NotFound);
        Assert.Equal("Hidden Halyna", (await GetJsonAsync(owner, $"/api/v1/clients/{hiddenClient}")).GetProperty("name").GetString());
        Assert.Empty((await GetJsonAsync(owner, $"/api/v1/clients/{hiddenClient}/notes")).EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await manager.PatchAsJsonAsync($"/api/v1/clients/{visibleClient}", new { email = "vasyl@example.com" })).StatusCode);
    }

    [Fact]
    public async Task PatchCard_ManagerChangesClientManager_403AndUnchanged()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        var (_, _, clientId) = await ClientAsync(owner, hook, NewClientId("mgr"));

        var response = await manager.PatchAsJsonAsync($"/api/v1/clients/{clientId}", new { managerId = await MemberIdAsync(manager) });

        Assert.Contains("owner or a supervisor", (await AssertProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, (await GetJsonAsync(owner, $"/api/v1/clients/{clientId}")).GetProperty("managerId").ValueKind);
    }
}

public sealed class ClientCardTests_Sqlite(SqliteApp app) : ClientCardTests<SqliteApp>(app);

public sealed class ClientCardTests_Postgres(PostgresApp app) : ClientCardTests<PostgresApp>(app);
