using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Data.Inbound;
using Parley.Server.Tests.Channels.Telegram;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Messengers;

/// <summary>
/// Durable delivery across process lifetimes: a restart with queued outbound messages, two servers on one database,
/// and an update stored but not processed before a crash.
/// </summary>
public abstract class DurabilityTests
{
    protected abstract MessengerApp NewApp();

    [Fact]
    public async Task Restart_QueuedOutboundMessages_AllDeliveredOnceAndInOrder()
    {
        var first = NewApp();
        await first.InitializeAsync();
        try
        {
            using var owner = await first.SignInAsync(ParleyApp.OwnerEmail);
            var (_, user, conversationId) = await ActiveChatAsync(first, owner);
            first.Telegram.Down = true;
            for (var i = 1; i <= 3; i++) await SendAsync(owner, conversationId, $"Черга {i}");
            await Eventually.TrueAsync(async () => (await MessagesAsync(owner, conversationId)).Count(m => m.GetProperty("deliveryStatus").GetString() == "queued") == 3, "three queued");
            await Task.Delay(300); // the first attempt meets the outage

            await first.StopServerAsync();
            first.Telegram.Down = false;
            await using var second = new SecondNode(first);
            using var owner2 = second.CreateClient();
            owner2.DefaultRequestHeaders.Authorization = owner.DefaultRequestHeaders.Authorization;
            first.Time.Advance(TimeSpan.FromMinutes(1));

            var sent = await first.Telegram.WaitForAsync("sendMessage", user.Id, count: 3, where: c => c.Text!.StartsWith("Черга", StringComparison.Ordinal));
            Assert.Equal(["Черга 1", "Черга 2", "Черга 3"], sent.Select(c => c.Text));
            await SendAsync(owner2, conversationId, "Після рестарту");
            await first.Telegram.WaitForAsync("sendMessage", user.Id, where: c => c.Text == "Після рестарту");
            Assert.Equal(3, first.Telegram.Calls("sendMessage", user.Id).Count(c => c.Text!.StartsWith("Черга", StringComparison.Ordinal)));
            await Eventually.TrueAsync(async () => (await MessagesAsync(owner2, conversationId)).All(m => m.GetProperty("deliveryStatus").GetString() is "sent" or "none"), "all sent");
        }
        finally
        {
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoServers_OneDatabase_EachDeliverySentOnce()
    {
        var first = NewApp();
        await first.InitializeAsync();
        try
        {
            using var owner = await first.SignInAsync(ParleyApp.OwnerEmail);
            var (_, user, conversationId) = await ActiveChatAsync(first, owner);
            await using var second = new SecondNode(first);
            _ = second.Server; // a second node, its outbox dispatcher running on the same rows

            for (var i = 1; i <= 8; i++) await SendAsync(owner, conversationId, $"Вузол {i}");

            var sent = await first.Telegram.WaitForAsync("sendMessage", user.Id, count: 8, where: c => c.Text!.StartsWith("Вузол", StringComparison.Ordinal));
            await Task.Delay(1500); // both dispatchers pass over the outbox again
            first.Time.Advance(TimeSpan.FromMinutes(5));
            await Task.Delay(1500);
            var all = first.Telegram.Calls("sendMessage", user.Id).Where(c => c.Text!.StartsWith("Вузол", StringComparison.Ordinal)).Select(c => c.Text).ToList();
            Assert.Equal(Enumerable.Range(1, 8).Select(i => $"Вузол {i}"), all);
        }
        finally
        {
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    [Fact]
    public async Task Crash_UpdateStoredButNotProcessed_IngestedAtStartupAndRedeliveryIgnored()
    {
        var first = NewApp();
        await first.InitializeAsync();
        try
        {
            using var owner = await first.SignInAsync(ParleyApp.OwnerEmail);
            var bot = await TelegramKit.ConnectAsync(first, owner);
            var user = TgUser.New();
            var update = TelegramKit.Message(user, "Збережено до збою");
            Guid companyId;
            await using (var scope = first.Services.CreateAsyncScope())
                companyId = (await scope.ServiceProvider.GetRequiredService<ParleyDbContext>().Channels.FirstAsync(c => c.Id == Guid.Parse(bot.ChannelId))).CompanyId;
            await first.StopServerAsync();

            // What the webhook had committed (and answered 200 for) when the process died before the worker ran.
            await using (var db = OpenDatabase(first))
            {
                var now = first.Time.GetUtcNow().UtcDateTime;
                db.InboundReceipts.Add(new InboundReceipt
                {
                    CompanyId = companyId,
                    ChannelId = Guid.Parse(bot.ChannelId),
                    DedupeKey = $"update:{update["update_id"]}",
                    Payload = update.ToJsonString(),
                    ReceivedAt = now,
                    NextAttemptAt = now,
                });
                await db.SaveChangesAsync();
            }

            await using var second = new SecondNode(first);
            using var owner2 = second.CreateClient();
            owner2.DefaultRequestHeaders.Authorization = owner.DefaultRequestHeaders.Authorization;
            var conversation = (await Eventually.ConversationOfChannelAsync(owner2, bot.ChannelId))!.Value;
            var conversationId = conversation.GetProperty("id").GetString()!;
            await Eventually.MessageAsync(owner2, conversationId, m => m.GetProperty("text").GetString() == "Збережено до збою", "the stored message");

            // Telegram never got the 200 in its view and delivers again: acknowledged, not ingested twice.
            using var http = second.CreateClient();
            using var redelivery = new HttpRequestMessage(HttpMethod.Post, bot.WebhookPath) { Content = JsonContent.Create(update) };
            redelivery.Headers.Add("X-Telegram-Bot-Api-Secret-Token", bot.Secret);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(redelivery)).StatusCode);
            await Task.Delay(500);
            Assert.Single(await MessagesAsync(owner2, conversationId), m => m.GetProperty("authorKind").GetString() == "client");
        }
        finally
        {
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    private static ParleyDbContext OpenDatabase(MessengerApp app) => app.Kind == Provider.Postgres
        ? new PostgresParleyDbContext(new DbContextOptionsBuilder<PostgresParleyDbContext>().UseNpgsql(app.ConnectionString).Options)
        : new SqliteParleyDbContext(new DbContextOptionsBuilder<SqliteParleyDbContext>().UseSqlite(app.ConnectionString).Options);

    private static async Task<(TgBot Bot, TgUser User, string ConversationId)> ActiveChatAsync(MessengerApp app, HttpClient owner)
    {
        var bot = await TelegramKit.ConnectAsync(app, owner);
        var user = TgUser.New();
        await TelegramKit.PushOkAsync(app, bot, TelegramKit.Message(user, "Добрий день"));
        var conversationId = (await Eventually.ConversationOfChannelAsync(owner, bot.ChannelId))!.Value.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
        await app.Telegram.WaitForAsync("sendMessage", user.Id, count: 2);
        return (bot, user, conversationId);
    }

    private static async Task<string> SendAsync(HttpClient member, string conversationId, string text)
    {
        var response = await member.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetString()!;
    }
}

public sealed class DurabilityTests_Sqlite : DurabilityTests
{
    protected override MessengerApp NewApp() => new MessengerSqliteApp();
}

public sealed class DurabilityTests_Postgres : DurabilityTests
{
    protected override MessengerApp NewApp() => new MessengerPostgresApp();
}
