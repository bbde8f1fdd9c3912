using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Inbound;
using Parley.Domain.Channels;
using Parley.Domain.Messages;
using Parley.Server.Channels.Inbound;
using Parley.Server.Conversations;
using Parley.Server.Realtime;

namespace Parley.Server.Channels.Meta;

/// <summary>
/// Ingests one stored Meta event: an Instagram / Messenger message or button answer (quick reply, postback), a
/// WhatsApp message or button answer, or a WhatsApp delivery status for a message we sent.
/// </summary>
public sealed class MetaInbound(
    MetaGraph graph, ClientMessageService inbound, ParleyDbContext db, FileStore files, IEventBus bus, ILogger<MetaInbound> logger) : IInboundProcessor
{
    public bool Handles(ChannelType type) => type is ChannelType.Instagram or ChannelType.Messenger or ChannelType.WhatsApp;

    public async Task ProcessAsync(Channel channel, InboundReceipt receipt, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(receipt.Payload);
        var root = doc.RootElement;
        var e = root.GetProperty("event");
        var settings = MetaSettings.Of(channel);
        switch (root.GetProperty("kind").GetString())
        {
            case "messaging":
                await MessagingAsync(channel, settings, e, ct);
                break;
            case "message":
                await WhatsAppMessageAsync(channel, settings, e, root.TryGetProperty("contacts", out var contacts) ? contacts : default, ct);
                break;
            case "status":
                await WhatsAppStatusAsync(channel, e, ct);
                break;
        }
    }

    private async Task MessagingAsync(Channel channel, MetaSettings settings, JsonElement e, CancellationToken ct)
    {
        var senderId = e.GetProperty("sender").GetProperty("id").GetString()!;
        if (senderId == settings.AccountId) return; // our own account: an echo that slipped through
        string? text = null, payload = null, mid = null;
        var attachments = new List<Attachment>();
        if (e.TryGetProperty("message", out var message))
        {
            mid = Str(message, "mid");
            if (message.TryGetProperty("quick_reply", out var quick)) payload = Str(quick, "payload");
            else text = Str(message, "text");
            if (message.TryGetProperty("attachments", out var list))
            {
                var i = 0;
                foreach (var a in list.EnumerateArray())
                {
                    i++;
                    if (a.TryGetProperty("payload", out var p) && Str(p, "url") is { } url)
                        attachments.Add(await CopyAsync(channel, url, null, $"{Str(a, "type") ?? "file"}-{i}", ct));
                }
            }
        }
        else if (e.TryGetProperty("postback", out var postback))
        {
            mid = Str(postback, "mid");
            payload = Str(postback, "payload");
        }

        var profile = await ProfileAsync(channel, settings, senderId, ct);
        if (payload is not null)
        {
            await inbound.ReceiveAsync(channel, new InboundMessage(senderId, profile.Name, profile.Username, PhotoUrl: profile.Photo, ButtonPayload: payload), ct);
            return;
        }

        await inbound.ReceiveAsync(channel, new InboundMessage(senderId, profile.Name, profile.Username, null, profile.Photo,
            Text: text ?? "", ClientMessageId: mid, ChannelMessageId: mid, Attachments: attachments), ct);
    }

    private async Task WhatsAppMessageAsync(Channel channel, MetaSettings settings, JsonElement m, JsonElement contacts, CancellationToken ct)
    {
        var from = Str(m, "from")!;
        var id = Str(m, "id");
        string? name = null;
        if (contacts.ValueKind == JsonValueKind.Array)
            foreach (var c in contacts.EnumerateArray())
                if (Str(c, "wa_id") == from && c.TryGetProperty("profile", out var p)) name = Str(p, "name");

        string? text = null, payload = null;
        var attachments = new List<Attachment>();
        switch (Str(m, "type"))
        {
            case "text":
                text = Str(m.GetProperty("text"), "body");
                break;
            case "interactive":
                var interactive = m.GetProperty("interactive");
                payload = interactive.TryGetProperty("button_reply", out var br) ? Str(br, "id")
                    : interactive.TryGetProperty("list_reply", out var lr) ? Str(lr, "id") : null;
                break;
            case "button":
                payload = Str(m.GetProperty("button"), "payload");
                break;
            case "image" or "document" or "video" or "audio" or "sticker":
                var type = Str(m, "type")!;
                var media = m.GetProperty(type);
                text = Str(media, "caption");
                if (Str(media, "id") is { } mediaId)
                {
                    // Media is fetched in two steps: its URL (short-lived), then the bytes with the same token.
                    var info = await graph.GetAsync(ChannelType.WhatsApp, mediaId, settings.AccessToken, ct);
                    if (Str(info, "url") is { } url)
                        attachments.Add(await CopyAsync(channel, url, settings.AccessToken, Str(media, "filename") ?? $"{type}-{mediaId}", ct, Str(media, "mime_type")));
                }

                break;
            default:
                text = $"[{Str(m, "type")}: this kind of message is not shown in Parley yet]";
                break;
        }

        if (payload is not null)
        {
            await inbound.ReceiveAsync(channel, new InboundMessage(from, name, ButtonPayload: payload), ct);
            return;
        }

        await inbound.ReceiveAsync(channel, new InboundMessage(from, name, Text: text ?? "", ClientMessageId: id, ChannelMessageId: id, Attachments: attachments), ct);
    }

    /// <summary>sent → delivered → read only move forward; failed says why. Pushed live like the outbox's statuses.</summary>
    private async Task WhatsAppStatusAsync(Channel channel, JsonElement s, CancellationToken ct)
    {
        var id = Str(s, "id");
        var message = await db.Messages.FirstOrDefaultAsync(m => m.CompanyId == channel.CompanyId && m.ChannelMessageId == id && m.AuthorKind != AuthorKind.Client, ct);
        if (message is null) return;
        var status = Str(s, "status") switch
        {
            "sent" => DeliveryStatus.Sent,
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            "failed" => DeliveryStatus.Failed,
            _ => (DeliveryStatus?)null,
        };
        if (status is not { } next) return;
        if (next != DeliveryStatus.Failed && Rank(next) <= Rank(message.DeliveryStatus)) return;
        message.DeliveryStatus = next;
        if (next == DeliveryStatus.Failed)
        {
            var error = s.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0 ? errors[0] : default;
            message.DeliveryError = $"WhatsApp could not deliver it: {(error.ValueKind == JsonValueKind.Object ? Str(error, "title") ?? Str(error, "message") : "no reason given")}";
        }

        await db.SaveChangesAsync(ct);
        var conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == message.ConversationId, ct);
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == conversation.ClientId).Select(c => new { c.Name, c.PhotoUrl }).FirstAsync(ct);
        bus.Publish(new MessageChanged(conversation.CompanyId, ConversationItem.From(conversation, client.Name, client.PhotoUrl),
            MessageDto.From(message, withAudit: false), Changes.Delivery));
    }

    private static int Rank(DeliveryStatus s) => s switch
    {
        DeliveryStatus.Sent => 1,
        DeliveryStatus.Delivered => 2,
        DeliveryStatus.Read => 3,
        _ => 0,
    };

    private sealed record Profile(string? Name, string? Username, string? Photo);

    /// <summary>Name, username and a copy of the photo (Meta's photo links expire), fetched once per client.</summary>
    private async Task<Profile> ProfileAsync(Channel channel, MetaSettings settings, string senderId, CancellationToken ct)
    {
        var known = await db.ClientIdentities.Where(i => i.ChannelId == channel.Id && i.ExternalId == senderId)
            .Join(db.Clients, i => i.ClientId, c => c.Id, (i, c) => new { c.Name, c.PhotoUrl }).FirstOrDefaultAsync(ct);
        if (known is { Name: not null, PhotoUrl: not null }) return new(null, null, null);
        try
        {
            var fields = channel.Type == ChannelType.Instagram ? "name,username,profile_pic" : "first_name,last_name,profile_pic";
            var p = await graph.GetAsync(channel.Type, $"{senderId}?fields={fields}", settings.AccessToken, ct);
            var name = channel.Type == ChannelType.Instagram
                ? Str(p, "name")
                : string.Join(' ', new[] { Str(p, "first_name"), Str(p, "last_name") }.Where(n => !string.IsNullOrWhiteSpace(n)));
            string? photo = null;
            if (Str(p, "profile_pic") is { } pic)
                photo = (await CopyAsync(channel, pic, null, $"avatar-{senderId}.jpg", ct, "image/jpeg")).Url;
            return new(string.IsNullOrWhiteSpace(name) ? null : name, Str(p, "username"), photo);
        }
        catch (Exception ex) when (ex is MetaApiException or HttpRequestException or InvalidOperationException)
        {
            // A profile is nice to have (Meta refuses it e.g. for users who did not allow it): the message goes on.
            if (logger.IsEnabled(LogLevel.Information)) logger.LogInformation(ex, "Meta profile of {Sender} not fetched", senderId);
            return new(null, null, null);
        }
    }

    private async Task<Attachment> CopyAsync(Channel channel, string url, string? token, string name, CancellationToken ct, string? contentType = null)
    {
        var (content, type) = await graph.DownloadAsync(url, token, ct);
        await using (content)
        {
            var fileName = Path.HasExtension(name) ? name : name + Extension(contentType ?? type);
            return await files.SaveAsync(channel.CompanyId, fileName, contentType ?? type, content, ct);
        }
    }

    private static string Extension(string? contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/webp" => ".webp",
        "video/mp4" => ".mp4",
        "audio/ogg" => ".ogg",
        "application/pdf" => ".pdf",
        _ => ".bin",
    };

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null
            : null;
}
