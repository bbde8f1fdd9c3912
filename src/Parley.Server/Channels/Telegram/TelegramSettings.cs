using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Domain.Channels;
using Telegram.Bot;

namespace Parley.Server.Channels.Telegram;

/// <summary>What a Telegram channel keeps in Channel.SettingsJson. The bot token is a credential: never shown back.</summary>
public sealed record TelegramSettings(string BotToken, long BotId, string BotUsername, string Receive, string? WebhookUrl, string WebhookSecret)
{
    public const string Webhook = "webhook";
    public const string Polling = "polling";

    public static TelegramSettings Of(Channel channel) =>
        JsonSerializer.Deserialize<TelegramSettings>(channel.SettingsJson, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException("The Telegram channel has no settings.");

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);
}

/// <summary>Installation-wide Telegram settings (Parley:Telegram).</summary>
public sealed class TelegramOptions
{
    /// <summary>The Bot API server; a local Bot API server or a test fake can stand in for the public one.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>getUpdates long-poll timeout in seconds.</summary>
    public int PollTimeoutSeconds { get; set; } = 25;
}

/// <summary>Bot API clients for channels, all on one pooled HttpClient, pointed at the configured server.</summary>
public sealed class TelegramClients(IHttpClientFactory http, IOptions<TelegramOptions> options)
{
    public const string HttpClientName = "parley-telegram";

    public ITelegramBotClient For(string token) =>
        new TelegramBotClient(new TelegramBotClientOptions(token, options.Value.ApiBaseUrl)
        {
            // The outbox owns retries (with the clock it is tested on); the library must not wait by itself.
            RetryThreshold = 0,
            RetryCount = 1,
        }, http.CreateClient(HttpClientName));

    public ITelegramBotClient For(Channel channel) => For(TelegramSettings.Of(channel).BotToken);
}
