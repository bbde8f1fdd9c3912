using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>The inbox list: filters, search, folder counts and cursor paging, as each role sees them.</summary>
public abstract class InboxTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    [Fact]
    public async Task List_SearchInUkrainianAnyCase_FindsMessageAndClientName()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var (byText, _) = await ClientSaysAsync(anonymous, channel, "search-1", "Де моя ПОСИЛКА з Одеси?");
        var (byName, _) = await ClientSaysAsync(anonymous, channel, "search-2", "Добрий день", name: "Олена Шевчук");
        await ClientSaysAsync(anonymous, channel, "search-3", "Something else", "en", "Bob");

        Assert.Equal([byText], Ids(await GetJsonAsync(owner, "/api/v1/conversations?q=посилка")));
        Assert.Equal([byName], Ids(await GetJsonAsync(owner, "/api/v1/conversations?q=ОЛЕНА")));
        Assert.Empty(Ids(await GetJsonAsync(owner, "/api/v1/conversations?q=100%25_")));
    }

    [Fact]
    public async Task List_CursorPaging_EveryConversationOnceNewestFirst()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Paging");
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            created.Add((await ClientSaysAsync(anonymous, channel, $"page-{i}", $"Повідомлення {i}")).ConversationId);
        }

        var seen = await InboxIdsAsync(owner, "folder=new&platform=api&limit=2", int.MaxValue);

        var mine = seen.Where(created.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(created), mine);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task List_Filters_ManagerSeesUnassignedAndOwn_CountsFollow()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Filters");
        var (ownersChat, _) = await ClientSaysAsync(anonymous, channel, "filter-1", "Hello", "en", "Eve");
        var (managersChat, _) = await ClientSaysAsync(anonymous, channel, "filter-2", "Привіт", "uk", "Petro");
        var (waiting, _) = await ClientSaysAsync(anonymous, channel, "filter-3", "Є хто?", "uk", "Oksana");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{ownersChat}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/conversations/{managersChat}/accept", null)).StatusCode);

        var managerActive = Ids(await GetJsonAsync(manager, "/api/v1/conversations?folder=active"));
        Assert.Contains(managersChat, managerActive);
        Assert.DoesNotContain(ownersChat, managerActive);
        Assert.Contains(waiting, Ids(await GetJsonAsync(manager, "/api/v1/conversations?folder=new&chats=unassigned")));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/conversations/{ownersChat}")).StatusCode);

        var ownerView = await GetJsonAsync(owner, "/api/v1/conversations?folder=active&chats=mine");
        Assert.Contains(ownersChat, Ids(ownerView));
        Assert.DoesNotContain(managersChat, Ids(ownerView));
        Assert.Contains(ownersChat, Ids(await GetJsonAsync(owner, "/api/v1/conversations?folder=active&language=en")));
        Assert.DoesNotContain(ownersChat, Ids(await GetJsonAsync(owner, "/api/v1/conversations?folder=active&language=uk")));
        Assert.Contains(waiting, Ids(await GetJsonAsync(owner, "/api/v1/conversations?folder=new&period=today&chats=unread")));
        Assert.Empty(Ids(await GetJsonAsync(owner, "/api/v1/conversations?platform=telegram")));

        var managerCounts = await GetJsonAsync(manager, "/api/v1/conversations/counts");
        var ownerCounts = await GetJsonAsync(owner, "/api/v1/conversations/counts");
        Assert.True(ownerCounts.GetProperty("active").GetInt32() > managerCounts.GetProperty("active").GetInt32());
        Assert.Equal(Ids(await GetJsonAsync(manager, "/api/v1/conversations?folder=active&limit=100")).Count, managerCounts.GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task List_InvalidParameters_400NamingEachField()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var problem = await AssertProblemAsync(
            await owner.GetAsync("/api/v1/conversations?folder=old&chats=some&rating=9&limit=1000&period=week&platform=fax"), HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "folder", "chats", "rating", "limit", "period", "platform" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        await AssertProblemAsync(await owner.GetAsync("/api/v1/conversations?cursor=not-a-cursor"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Send_QuickReply_ClientsLanguageVariantWithPlaceholders()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Quick replies");
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, "qr-1", "Hi there", "en", "Alice");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var hello = (await GetJsonAsync(owner, "/api/v1/quick-replies?q=/hel")).EnumerateArray().Single();

        var sent = await owner.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { quickReplyId = hello.GetProperty("id").GetString() });

        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal("Hello, Alice! How can I help you?", (await Json(sent)).GetProperty("text").GetString());
    }
}

public sealed class InboxTests_Sqlite(SqliteApp app) : InboxTests<SqliteApp>(app);

public sealed class InboxTests_Postgres(PostgresApp app) : InboxTests<PostgresApp>(app);
