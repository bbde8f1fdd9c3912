using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Server.Channels.Inbound;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Parley.Server.Channels.Telegram;

/// <summary>
/// Long polling for bots connected without a public address: one getUpdates loop per channel. Updates are stored as
/// receipts first and only then confirmed to Telegram (the next offset), so a crash re-reads them instead of losing them.
/// </summary>
public sealed class TelegramPoller(IServiceScopeFactory scopes, TelegramClients clients, IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramPoller> logger)
    : BackgroundService
{
    private static readonly TimeSpan Discover = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AfterError = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<Guid, Task> _loops = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
                var channels = await db.Channels.AsNoTracking().Where(c => c.Type == ChannelType.Telegram && c.IsEnabled).ToListAsync(stoppingToken);
                foreach (var channel in channels.Where(c => ChannelConnectors.IsConnected(c) && TelegramSettings.Of(c).Receive == TelegramSettings.Polling))
                {
                    if (_loops.TryGetValue(channel.Id, out var running) && !running.IsCompleted) continue;
                    _loops[channel.Id] = Task.Run(() => PollAsync(channel.Id, stoppingToken), stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Telegram polling discovery failed");
            }

            // Real time on purpose: this only notices newly connected channels, it times no rule.
            await Task.Delay(Discover, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(_loops.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Runs until the channel is disabled or switched to a webhook, or the server stops.</summary>
    private async Task PollAsync(Guid channelId, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, ct);
            if (channel is not { IsEnabled: true } || !ChannelConnectors.IsConnected(channel) || TelegramSettings.Of(channel).Receive != TelegramSettings.Polling) return;
            try
            {
                var offset = await db.ChannelStates.Where(s => s.ChannelId == channelId).Select(s => s.PollOffset).FirstOrDefaultAsync(ct);
                var updates = await clients.For(channel).GetUpdates(offset is { } o ? (int)o : null, 100, options.Value.PollTimeoutSeconds,
                    TelegramConnector.AllowedUpdates, ct);
                if (updates.Length == 0) continue;
                var receipts = scope.ServiceProvider.GetRequiredService<InboundReceipts>();
                await receipts.StoreAsync(channel, [.. updates.Select(u => new InboundReceipts.Item(TelegramInbound.DedupeKey(u.Id), JsonSerializer.Serialize(u, JsonBotAPI.Options)))], ct);
                await ChannelHealth.SetPollOffsetAsync(db, channelId, updates.Max(u => (long)u.Id) + 1, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var reason = ex is ApiRequestException { ErrorCode: 409 }
                    ? "Telegram refuses long polling while a webhook is set for this bot; reconnect the channel."
                    : $"Reading updates from Telegram failed: {ex.Message}";
                logger.LogWarning(ex, "Telegram polling of channel {Channel} failed", channelId);
                await ChannelHealth.NoteErrorAsync(db, channelId, time.GetUtcNow().UtcDateTime, reason, CancellationToken.None);
                await Task.Delay(AfterError, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
