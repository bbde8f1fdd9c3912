using System.Net;
using System.Text.Json;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>Full-text search (trigram indexes on both databases): any substring, any case, only what the member may see.</summary>
public abstract class ConversationSearchTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];

    private static async Task<List<string>> SearchAsync(HttpClient member, string text) =>
        Ids(await GetJsonAsync(member, $"/api/v1/conversations?q={Uri.EscapeDataString(text)}"));

    [Fact]
    public async Task Search_UkrainianAndEnglishSubstrings_FindTheirConversations()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Search words");
        var (ukrainian, _) = await ClientSaysAsync(anonymous, channel, "fts-1", "Коли прийде ПЕРЕКАЗ на картку?");
        var (english, _) = await ClientSaysAsync(anonymous, channel, "fts-2", "I would like a Refundable ticket", "en", "Bob");
        var (neither, _) = await ClientSaysAsync(anonymous, channel, "fts-3", "Добрий вечір", "uk", "Іван");

        Assert.Equal([ukrainian], await SearchAsync(owner, "еказ на"));
        Assert.Equal([ukrainian], await SearchAsync(owner, "переКАЗ"));
        Assert.Equal([english], await SearchAsync(owner, "REFUNDAB"));
        Assert.DoesNotContain(neither, await SearchAsync(owner, "картку"));
    }

    [Fact]
    public async Task Search_ClientEmailPhoneAndShortText_Found()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Search clients");
        var (conversation, _) = await ClientSaysAsync(anonymous, channel, "fts-client-1", "Привіт", name: "Ярослава Гнатюк");

        Assert.Equal([conversation], await SearchAsync(owner, "славА гнат"));
        // Shorter than a trigram: matched without the index, still case-insensitive.
        Assert.Contains(conversation, await SearchAsync(owner, "ЯР"));
    }

    [Fact]
    public async Task Search_AnotherCompanysWords_NotFound()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var rival = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();
        var ours = await CreateApiChannelAsync(owner, hook.Url, "Search ours");
        var theirs = await CreateApiChannelAsync(rival, hook.Url, "Search theirs");
        var (our, _) = await ClientSaysAsync(anonymous, ours, "fts-tenant-1", "Шукаю жовтий парасольковий чохол");
        var (their, _) = await ClientSaysAsync(anonymous, theirs, "fts-tenant-1", "Теж шукаю жовтий парасольковий чохол");

        Assert.Equal([our], await SearchAsync(owner, "парасольковий"));
        Assert.Equal([their], await SearchAsync(rival, "парасольковий"));
    }

    [Fact]
    public async Task Search_ManagerRole_FindsOnlyUnassignedNewAndOwn()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Search roles");
        var (waiting, _) = await ClientSaysAsync(anonymous, channel, "fts-role-1", "Де мій самокат-велосипед?");
        var (owners, _) = await ClientSaysAsync(anonymous, channel, "fts-role-2", "А мій самокат-велосипед?");
        var (managers, _) = await ClientSaysAsync(anonymous, channel, "fts-role-3", "І мій самокат-велосипед!");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{owners}/accept", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/conversations/{managers}/accept", null)).StatusCode);

        var found = await SearchAsync(manager, "кат-вело");

        Assert.Equal(new[] { managers, waiting }.Order(), found.Order());
        Assert.Equal(new[] { managers, owners, waiting }.Order(), (await SearchAsync(owner, "кат-вело")).Order());
    }
}

public sealed class ConversationSearchTests_Sqlite(SqliteApp app) : ConversationSearchTests<SqliteApp>(app);

public sealed class ConversationSearchTests_Postgres(PostgresApp app) : ConversationSearchTests<PostgresApp>(app);
