using Parley.Domain.Common;

namespace Parley.Domain.Channels;

public enum ChannelType
{
    Api,
    Widget,
    Telegram,
    Instagram,
    Messenger,
    WhatsApp,
    Viber,
}

/// <summary>One connected source of clients: a site's widget, one bot, one account, or an API integration.</summary>
public sealed class Channel : CompanyEntity
{
    public ChannelType Type { get; set; }

    public required string Name { get; set; }

    public bool IsEnabled { get; set; } = true;

    /// <summary>Shared secret: signs outbound webhooks and authenticates inbound calls (API, widget identity).</summary>
    public required string Secret { get; set; }

    /// <summary>Public, guessable-free token for embeds (widget) and webhook paths.</summary>
    public string PublicToken { get; set; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    /// <summary>API channel: where outbound messages are POSTed.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Per-type credentials and settings (bot token, page token, widget appearance ...), as JSON.</summary>
    public string SettingsJson { get; set; } = "{}";

    public DateTime CreatedAt { get; set; }
}

/// <summary>What a channel can do after a message is sent; the console hides what is not possible.</summary>
public sealed record ChannelCapabilities(bool CanEdit, bool CanDelete, TimeSpan? EditWindow)
{
    public static ChannelCapabilities For(ChannelType type) => type switch
    {
        ChannelType.Api or ChannelType.Widget => new(true, true, null),
        ChannelType.Telegram => new(true, true, TimeSpan.FromHours(48)),
        _ => new(false, false, null),
    };
}
