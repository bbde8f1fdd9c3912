using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Conversations;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>Rule 6: an Active chat where the team spoke last closes after the configured silence of the client.</summary>
public abstract class InactivityTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private const string ClosedForInactivityUk = "Чат завершено через відсутність активності. Напишіть нам, якщо будуть питання.";

    private InactivitySweeper Sweeper => app.Services.GetRequiredService<InactivitySweeper>();

    [Fact]
    public async Task Sweep_TeamSpokeLastDefault15Minutes_ArchivedAt15NotAt14()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        Assert.Equal(15, (await GetJsonAsync(owner, "/api/v1/settings/company")).GetProperty("inactivityCloseMinutes").GetInt32());
        var conversationId = await ActiveChatAsync(owner, anonymous, channel, "inactive-default-1");

        app.Time.Advance(TimeSpan.FromMinutes(14));
        await Sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal("active", (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString());

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await Sweeper.SweepOnceAsync(CancellationToken.None);

        var conversation = await ConversationAsync(owner, conversationId);
        Assert.Equal("archived", conversation.GetProperty("folder").GetString());
        Assert.Equal("inactivity", conversation.GetProperty("archiveReason").GetString());
        var closed = Assert.Single(await MessagesAsync(owner, conversationId), m => SystemKind(m) == "closedInactivity");
        Assert.Equal("system", closed.GetProperty("authorKind").GetString());
        Assert.Equal(ClosedForInactivityUk, closed.GetProperty("text").GetString());
        var delivered = (await hook.UntilAsync(r => r.Body.GetProperty("conversationId").GetString() == conversationId
            && r.Body.GetProperty("systemKind").GetString() == "closedInactivity"))[^1];
        Assert.Equal(ClosedForInactivityUk, delivered.Body.GetProperty("text").GetString());
        Assert.Equal(closed.GetProperty("id").GetString(), delivered.Body.GetProperty("messageId").GetString());
        var history = (await GetJsonAsync(owner, $"/api/v1/conversations/{conversationId}/history")).EnumerateArray().ToList();
        var archived = Assert.Single(history, h => h.GetProperty("kind").GetString() == "archived");
        Assert.Equal("system", archived.GetProperty("actorKind").GetString());
    }

    [Fact]
    public async Task Sweep_ClientWroteLast_NeverArchivedEvenAfterHours()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var conversationId = await ActiveChatAsync(owner, anonymous, channel, "inactive-client-last-1");
        await ClientSaysAsync(anonymous, channel, "inactive-client-last-1", "Чекаю на відповідь");

        for (var hour = 0; hour < 6; hour++)
        {
            app.Time.Advance(TimeSpan.FromHours(1));
            await Sweeper.SweepOnceAsync(CancellationToken.None);
        }

        Assert.Equal("active", (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString());
        Assert.DoesNotContain(await MessagesAsync(owner, conversationId), m => SystemKind(m) == "closedInactivity");
    }

    [Fact]
    public async Task Sweep_InactivityCloseTurnedOff_NeverArchived()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var settings = await PatchSettingsAsync(owner, new { inactivityCloseMinutes = (int?)null });
        try
        {
            Assert.Equal(JsonValueKind.Null, settings.GetProperty("inactivityCloseMinutes").ValueKind);
            var conversationId = await ActiveChatAsync(owner, anonymous, channel, "inactive-off-1");

            app.Time.Advance(TimeSpan.FromMinutes(16));
            await Sweeper.SweepOnceAsync(CancellationToken.None);
            app.Time.Advance(TimeSpan.FromHours(3));
            await Sweeper.SweepOnceAsync(CancellationToken.None);

            Assert.Equal("active", (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString());
            Assert.DoesNotContain(await MessagesAsync(owner, conversationId), m => SystemKind(m) == "closedInactivity");
        }
        finally
        {
            await PatchSettingsAsync(owner, new { inactivityCloseMinutes = 15 });
        }
    }

    [Fact]
    public async Task Sweep_Custom5Minutes_ArchivedAt5NotAt4()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        Assert.Equal(5, (await PatchSettingsAsync(owner, new { inactivityCloseMinutes = 5 })).GetProperty("inactivityCloseMinutes").GetInt32());
        try
        {
            var conversationId = await ActiveChatAsync(owner, anonymous, channel, "inactive-custom-1");

            app.Time.Advance(TimeSpan.FromMinutes(4));
            await Sweeper.SweepOnceAsync(CancellationToken.None);
            Assert.Equal("active", (await ConversationAsync(owner, conversationId)).GetProperty("folder").GetString());

            app.Time.Advance(TimeSpan.FromMinutes(1));
            await Sweeper.SweepOnceAsync(CancellationToken.None);
            var conversation = await ConversationAsync(owner, conversationId);
            Assert.Equal("archived", conversation.GetProperty("folder").GetString());
            Assert.Equal("inactivity", conversation.GetProperty("archiveReason").GetString());
            Assert.Single(await MessagesAsync(owner, conversationId), m => SystemKind(m) == "closedInactivity");
        }
        finally
        {
            await PatchSettingsAsync(owner, new { inactivityCloseMinutes = 15 });
        }
    }

    /// <summary>A client writes and the owner accepts: the "manager joined" system message makes the team the last to speak.</summary>
    private async Task<string> ActiveChatAsync(HttpClient owner, HttpClient anonymous, ApiChannel channel, string clientId)
    {
        var (conversationId, _) = await ClientSaysAsync(anonymous, channel, clientId, "Добрий день");
        app.Time.Advance(TimeSpan.FromSeconds(1)); // the frozen clock would give the greeting and "joined" the same instant
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        var last = (await MessagesAsync(owner, conversationId))[^1];
        Assert.Equal("managerJoined", SystemKind(last));
        return conversationId;
    }

    private static string? SystemKind(JsonElement message) =>
        message.GetProperty("systemKind") is { ValueKind: JsonValueKind.String } kind ? kind.GetString() : null;
}

public sealed class InactivityTests_Sqlite(SqliteApp app) : InactivityTests<SqliteApp>(app);

public sealed class InactivityTests_Postgres(PostgresApp app) : InactivityTests<PostgresApp>(app);
