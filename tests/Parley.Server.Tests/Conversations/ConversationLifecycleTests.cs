using System.Net;
using System.Net.Http.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>A whole conversation through the API channel and the operator API, with system messages in the client's language.</summary>
public abstract class ConversationLifecycleTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task WholeConversation_UkrainianClient_SystemMessagesInUkrainianAndRatingStored()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        await PatchSettingsAsync(owner, new { askWhetherResolved = true, ratingRequired = true, notifyOnManagerChange = true });
        var channel = await CreateApiChannelAsync(owner, hook.Url);

        // 1. The client writes: a New conversation with the greeting in Ukrainian.
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "client-uk-1", "Добрий день, де моє замовлення?", "uk", "Іван");
        var greeting = await hook.NextAsync();
        Assert.True(WebhookReceiver.IsSignedWith(greeting, channel.Secret));
        Assert.Equal("system", greeting.Body.GetProperty("authorKind").GetString());
        Assert.Contains("Вітаємо, Іван", greeting.Body.GetProperty("text").GetString());
        Assert.Equal("new", (await ConversationAsync(manager, conversationId)).GetProperty("folder").GetString());

        // 2. The manager accepts: Active, and "joined" in Ukrainian.
        var accept = await manager.PostAsync($"/api/v1/conversations/{conversationId}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        var joined = await hook.NextAsync();
        Assert.Equal("Maria Manager приєднується до чату.", joined.Body.GetProperty("text").GetString());
        var managerId = await MemberIdAsync(manager);
        var conversation = await ConversationAsync(manager, conversationId);
        Assert.Equal("active", conversation.GetProperty("folder").GetString());
        Assert.Equal(managerId, conversation.GetProperty("assigneeId").GetString());
        Assert.Equal(managerId, (await GetJsonAsync(owner, $"/api/v1/clients/{conversation.GetProperty("clientId").GetString()}")).GetProperty("managerId").GetString());

        // 3. The manager answers; the webhook gets it, signed.
        var send = await manager.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text = "Замовлення вже в дорозі.", clientMessageId = "m-1" });
        Assert.Equal(HttpStatusCode.Created, send.StatusCode);
        var answer = await hook.NextAsync();
        Assert.Equal("manager", answer.Body.GetProperty("authorKind").GetString());
        Assert.Equal("Замовлення вже в дорозі.", answer.Body.GetProperty("text").GetString());

        // 4. Finish asks "more questions?" with Yes / No and keeps it Active.
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).StatusCode);
        var question = await hook.NextAsync();
        Assert.Equal("Чи залишилися у вас ще питання?", question.Body.GetProperty("text").GetString());
        var buttons = question.Body.GetProperty("buttons").EnumerateArray().Select(b => (b.GetProperty("label").GetString(), b.GetProperty("payload").GetString())).ToList();
        Assert.Equal([("Так", "more_questions:yes"), ("Ні", "more_questions:no")], buttons);
        conversation = await ConversationAsync(manager, conversationId);
        Assert.Equal("active", conversation.GetProperty("folder").GetString());
        Assert.True(conversation.GetProperty("awaitingAnswer").GetBoolean());

        // 5. "No" archives as ResolvedByClient, says goodbye and asks for a rating 1–5.
        Assert.Equal(HttpStatusCode.Accepted, (await InboundAsync(anonymous, channel, new { clientId = "client-uk-1", buttonPayload = "more_questions:no" })).StatusCode);
        var closed = await hook.NextAsync();
        Assert.Equal("Чат завершено. Дякуємо за звернення!", closed.Body.GetProperty("text").GetString());
        var rate = await hook.NextAsync();
        Assert.Equal(["rating:1", "rating:2", "rating:3", "rating:4", "rating:5"], rate.Body.GetProperty("buttons").EnumerateArray().Select(b => b.GetProperty("payload").GetString()));
        conversation = await ConversationAsync(manager, conversationId);
        Assert.Equal("archived", conversation.GetProperty("folder").GetString());
        Assert.Equal("resolvedByClient", conversation.GetProperty("archiveReason").GetString());

        // 6. The rating arrives after archiving and is stored on that conversation.
        Assert.Equal(HttpStatusCode.Accepted, (await InboundAsync(anonymous, channel, new { clientId = "client-uk-1", buttonPayload = "rating:5" })).StatusCode);
        Assert.Equal(5, (await ConversationAsync(manager, conversationId)).GetProperty("rating").GetInt32());

        // The history has every transition, with who did it.
        var history = (await GetJsonAsync(owner, $"/api/v1/conversations/{conversationId}/history")).EnumerateArray()
            .Select(h => (h.GetProperty("kind").GetString(), h.GetProperty("actorKind").GetString())).ToList();
        Assert.Equal([("created", "client"), ("accepted", "member"), ("finish_requested", "member"), ("archived", "client"), ("rated", "client")], history);

        // 7. A new message after archiving opens a new conversation.
        var (secondId, _) = await ClientSaysAsync(anonymous, channel, "client-uk-1", "Ще одне питання");
        Assert.NotEqual(conversationId, secondId);
        Assert.Equal("new", (await ConversationAsync(owner, secondId)).GetProperty("folder").GetString());
    }

    [Fact]
    public async Task Greeting_EnglishClient_InEnglish_UnknownLanguage_InMainLanguage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);

        await ClientSaysAsync(anonymous, channel, "client-en-1", "Hi, where is my order?", "en-GB", "Alice");
        Assert.Equal("Hello, Alice! Thank you for writing to Demo Company. A manager will answer shortly.", (await hook.NextAsync()).Body.GetProperty("text").GetString());

        await ClientSaysAsync(anonymous, channel, "client-de-1", "Hallo", "de", "Hans");
        Assert.StartsWith("Вітаємо, Hans!", (await hook.NextAsync()).Body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Inbound_SameClientMessageId_SameIdsAndOneMessage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);

        var first = await ClientSaysAsync(anonymous, channel, "client-dup", "Привіт", clientMessageId: "cm-1");
        var again = await ClientSaysAsync(anonymous, channel, "client-dup", "Привіт", clientMessageId: "cm-1");

        Assert.Equal(first, again);
        var messages = await MessagesAsync(owner, first.ConversationId);
        Assert.Single(messages, m => m.GetProperty("authorKind").GetString() == "client");
    }

    [Fact]
    public async Task Accept_TwoManagersAtOnce_ExactlyOneWinsOtherGets409()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "client-race", "Хто перший?");

        var responses = await Task.WhenAll(
            supervisor.PostAsync($"/api/v1/conversations/{conversationId}/accept", null),
            manager.PostAsync($"/api/v1/conversations/{conversationId}/accept", null));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        var problem = await AssertProblemAsync(loser, HttpStatusCode.Conflict);
        Assert.Contains("already accepted by", problem.GetProperty("detail").GetString());
        var joined = (await MessagesAsync(owner, conversationId)).Count(m => m.GetProperty("systemKind").ValueKind != System.Text.Json.JsonValueKind.Null
            && m.GetProperty("systemKind").GetString() == "managerJoined");
        Assert.Equal(1, joined);
    }

    [Fact]
    public async Task Accept_AlreadyAccepted_ProblemCarriesCodeAndWhoAccepted()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var supervisor = await app.SignInAsync(ParleyApp.SupervisorEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "client-late", "Хто відповість?");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);

        var late = await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null);

        var problem = await AssertProblemAsync(late, HttpStatusCode.Conflict);
        Assert.Equal("This chat was already accepted by Stepan Supervisor.", problem.GetProperty("detail").GetString());
        Assert.Equal("already_accepted_by", problem.GetProperty("code").GetString());
        Assert.Equal("Stepan Supervisor", problem.GetProperty("args").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Finish_TopicRequiredWithoutTopic_RefusedWithClearMessage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        await PatchSettingsAsync(owner, new { topicRequired = true, askWhetherResolved = false });
        try
        {
            var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "client-topic", "Питання про оплату");
            Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);

            var refused = await AssertProblemAsync(await owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null), HttpStatusCode.BadRequest);
            Assert.Contains("topic", refused.GetProperty("detail").GetString());
            Assert.Equal("active", (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString());

            var topics = await GetJsonAsync(owner, "/api/v1/topics");
            var topicId = topics.EnumerateArray().First().GetProperty("id").GetString();
            Assert.Equal(HttpStatusCode.OK, (await owner.PutAsJsonAsync($"/api/v1/conversations/{conversationId}/topics", new { topicIds = new[] { topicId } })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/finish", null)).StatusCode);
            var conversation = await ConversationAsync(owner, conversationId);
            Assert.Equal("archived", conversation.GetProperty("folder").GetString());
            Assert.Equal("closedByManager", conversation.GetProperty("archiveReason").GetString());
        }
        finally
        {
            await PatchSettingsAsync(owner, new { topicRequired = false });
        }
    }
}

public sealed class ConversationLifecycleTests_Sqlite(SqliteApp app) : ConversationLifecycleTests<SqliteApp>(app);

public sealed class ConversationLifecycleTests_Postgres(PostgresApp app) : ConversationLifecycleTests<PostgresApp>(app);
