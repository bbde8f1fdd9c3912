using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Server.Channels.Inbound;
using Parley.Server.Infrastructure;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types.Enums;

namespace Parley.Server.Channels.Telegram;

/// <summary>
/// Connects a bot: the token is checked with getMe, the bot's username kept; with a public URL the webhook is set
/// (with a secret_token that every delivery must carry), without one the bot is read by long polling.
/// </summary>
public sealed partial class TelegramConnector(TelegramClients clients, PublicUrls urls, ParleyDbContext db) : IChannelConnector
{
    public static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];

    public bool Handles(ChannelType type) => type == ChannelType.Telegram;

    public static string WebhookPath(Channel channel) => $"/webhooks/telegram/{channel.PublicToken}";

    public async Task ConnectAsync(Channel channel, ConnectRequest request, Validation errors, CancellationToken ct)
    {
        var token = request.BotToken?.Trim();
        if (string.IsNullOrEmpty(token) || !TokenPattern().IsMatch(token))
        {
            errors.Add("botToken", "'botToken' must be the token @BotFather gave, like 123456789:AAF...; ask @BotFather for /token if unsure.");
            return;
        }

        var receive = request.Receive?.Trim().ToLowerInvariant() ?? (urls.BaseUrl is null ? TelegramSettings.Polling : TelegramSettings.Webhook);
        if (receive is not (TelegramSettings.Webhook or TelegramSettings.Polling))
        {
            errors.Add("receive", "'receive' must be webhook or polling.");
            return;
        }

        if (receive == TelegramSettings.Webhook && urls.BaseUrl is null)
        {
            errors.Add("receive", "Receiving by webhook needs the server's public address (setting Parley:PublicBaseUrl); use polling, or set it.");
            return;
        }

        var bot = clients.For(token);
        global::Telegram.Bot.Types.User me;
        try
        {
            me = await bot.GetMe(ct);
        }
        catch (ApiRequestException ex)
        {
            errors.Add("botToken", $"Telegram did not accept this bot token ({ex.ErrorCode}: {ex.Message}).");
            return;
        }
        catch (Exception ex) when (ex is RequestException or HttpRequestException)
        {
            errors.Add("botToken", $"Telegram could not be reached to check the token: {ex.Message}");
            return;
        }

        var others = await db.Channels.AsNoTracking().Where(c => c.Type == ChannelType.Telegram && c.IsEnabled && c.Id != channel.Id).ToListAsync(ct);
        if (others.Any(c => ChannelConnectors.IsConnected(c) && TelegramSettings.Of(c).BotId == me.Id))
        {
            errors.Add("botToken", $"The bot @{me.Username} is already connected to a channel; a bot can serve one channel only.");
            return;
        }

        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var webhookUrl = receive == TelegramSettings.Webhook ? urls.For(WebhookPath(channel)) : null;
        try
        {
            if (webhookUrl is not null)
                await bot.SetWebhook(webhookUrl, secretToken: secret, allowedUpdates: AllowedUpdates, cancellationToken: ct);
            else
                await bot.DeleteWebhook(dropPendingUpdates: false, cancellationToken: ct);
        }
        catch (Exception ex) when (ex is RequestException or HttpRequestException)
        {
            errors.Add("receive", $"Telegram refused to {(webhookUrl is null ? "switch the bot to polling" : "set the webhook")}: {ex.Message}");
            return;
        }

        channel.SettingsJson = new TelegramSettings(token, me.Id, me.Username ?? me.FirstName, receive, webhookUrl, secret).ToJson();
    }

    public ChannelConnection Describe(Channel channel)
    {
        var s = TelegramSettings.Of(channel);
        return new ChannelConnection(s.WebhookUrl, null, "@" + s.BotUsername, s.Receive, null,
            s.Receive == TelegramSettings.Webhook
                ? [$"The webhook is set on Telegram already ({s.WebhookUrl}); each delivery is checked against its secret token.", "Clients find the bot at https://t.me/" + s.BotUsername]
                : ["The server reads the bot by long polling: no public address needed.", "Clients find the bot at https://t.me/" + s.BotUsername]);
    }

    [GeneratedRegex(@"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")]
    private static partial Regex TokenPattern();
}
