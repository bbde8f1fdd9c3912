using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// Folder counts come from counters the database keeps (DataScale migrations), not from counting conversations: after
/// every lifecycle change they must equal a fresh count of the conversations, for every role and every filter they serve.
/// </summary>
public abstract class FolderCountsTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task Counts_ThroughEveryLifecycleChange_EqualAFreshCount()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Counts");
        var managerId = await MemberIdAsync(manager);
        await AssertExactAsync(owner, manager);

        var (first, _) = await ClientSaysAsync(anonymous, channel, "counts-1", "Привіт", "uk", "Олена");
        var (second, _) = await ClientSaysAsync(anonymous, channel, "counts-2", "Hello", "en", "Bob");
        var (third, _) = await ClientSaysAsync(anonymous, channel, "counts-3", "Dzień dobry", "pl", "Ewa");
        await AssertExactAsync(owner, manager);

        await PostOkAsync(owner, $"/api/v1/conversations/{first}/accept");
        await PostOkAsync(manager, $"/api/v1/conversations/{second}/accept");
        await AssertExactAsync(owner, manager);

        var transfer = await owner.PostAsJsonAsync($"/api/v1/conversations/{first}/transfer", new { managerId });
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        await AssertExactAsync(owner, manager);

        await PostOkAsync(manager, $"/api/v1/conversations/{first}/finish");
        await AssertExactAsync(owner, manager);

        await PostOkAsync(owner, $"/api/v1/conversations/{first}/reopen");
        await AssertExactAsync(owner, manager);

        var clientId = (await ConversationAsync(owner, third)).GetProperty("clientId").GetString();
        await PostOkAsync(owner, $"/api/v1/clients/{clientId}/block");
        Assert.Equal("archived", (await ConversationAsync(owner, third)).GetProperty("folder").GetString());
        await AssertExactAsync(owner, manager);

        // A message after archiving starts a new conversation (rule 7).
        await PostOkAsync(owner, $"/api/v1/conversations/{second}/finish");
        await ClientSaysAsync(anonymous, channel, "counts-2", "One more question", "en", "Bob");
        await AssertExactAsync(owner, manager);
    }

    [Fact]
    public async Task Counts_ConversationDeleted_CounterFollows()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Counts delete");
        var (conversation, _) = await ClientSaysAsync(anonymous, channel, "counts-delete-1", "Привіт");

        // No endpoint deletes a conversation; a cascade (or an operator) may, and the counters must follow.
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            Assert.Equal(1, await db.Conversations.Where(c => c.Id == Guid.Parse(conversation)).ExecuteDeleteAsync());
        }

        await AssertExactAsync(owner, manager);
    }

    /// <summary>
    /// The counts endpoint and the list's counts under counter-served filters, against the same filters plus an
    /// all-time custom period, which the counters do not serve and so counts the conversations themselves.
    /// </summary>
    private static async Task AssertExactAsync(HttpClient owner, HttpClient manager)
    {
        foreach (var member in new[] { owner, manager })
        {
            Assert.Equal(await FreshAsync(member, ""), Counts(await GetJsonAsync(member, "/api/v1/conversations/counts")));
            foreach (var filter in new[] { "", "&platform=api", "&platform=api,ai", "&language=uk", "&chats=mine", "&chats=unassigned" })
            {
                var counted = Counts((await GetJsonAsync(member, $"/api/v1/conversations?limit=1{filter}")).GetProperty("counts"));
                Assert.Equal(await FreshAsync(member, filter), counted);
            }
        }
    }

    private static async Task<(int New, int Active, int Archived)> FreshAsync(HttpClient member, string filter) =>
        Counts((await GetJsonAsync(member, $"/api/v1/conversations?limit=1&period=custom&from=2000-01-01T00:00:00Z{filter}")).GetProperty("counts"));

    private static (int New, int Active, int Archived) Counts(JsonElement counts) =>
        (counts.GetProperty("new").GetInt32(), counts.GetProperty("active").GetInt32(), counts.GetProperty("archived").GetInt32());

    private static async Task PostOkAsync(HttpClient member, string url)
    {
        var response = await member.PostAsync(url, null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class FolderCountsTests_Sqlite(SqliteApp app) : FolderCountsTests<SqliteApp>(app);

public sealed class FolderCountsTests_Postgres(PostgresApp app) : FolderCountsTests<PostgresApp>(app);
