using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Outbox;
using Parley.Domain.Channels;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using Parley.Server.Channels.Widget;
using Parley.Server.Files;

namespace Parley.Server.Channels.Meta;

/// <summary>
/// The outbound side of Instagram, Messenger and WhatsApp (one instance per type). The 24-hour window (7 days with
/// HUMAN_AGENT) is checked before sending, and Meta's own window error gets the same words; Yes/No and ratings go as
/// quick replies (WhatsApp: reply buttons and a list). Meta cannot edit or delete a sent message.
/// </summary>
public sealed class MetaSender(ChannelType type, MetaGraph graph, ParleyDbContext db, WidgetFiles uploads, FileLinks links, TimeProvider time) : IChannelSender
{
    public ChannelType Type => type;

    public async Task<SendResult> DeliverAsync(OutboundDelivery delivery, CancellationToken cancellationToken)
    {
        var name = ReplyWindow.Name(type);
        if (delivery.Kind != OutboxKind.Send)
            return SendResult.Failed($"{name} does not let a sent message be {(delivery.Kind == OutboxKind.Edit ? "edited" : "deleted")}; the client keeps the original.");
        if (!Inbound.ChannelConnectors.IsConnected(delivery.Channel))
            return SendResult.Failed($"The {name} channel has no credentials; connect it again with its access token.");
        if (string.IsNullOrEmpty(delivery.ExternalClientId)) return SendResult.Failed($"The client has no {name} account to write to.");

        var message = delivery.Message;
        var settings = MetaSettings.Of(delivery.Channel);
        var lastClientMessage = await db.Messages.AsNoTracking()
            .Where(m => m.AuthorKind == AuthorKind.Client && !m.IsHiddenBlocked)
            .Join(db.Conversations.Where(c => c.ClientId == delivery.ClientId && c.ChannelId == delivery.Channel.Id), m => m.ConversationId, c => c.Id, (m, c) => (DateTime?)m.CreatedAt)
            .MaxAsync(cancellationToken);
        var (decision, tag) = ReplyWindow.Check(type, lastClientMessage, time.GetUtcNow().UtcDateTime, message.AuthorKind, settings.HumanAgent);
        if (!decision.Allowed) return SendResult.Failed(decision.Reason!);

        var (files, refusal) = await PublicFilesAsync(delivery.Channel.CompanyId, message.Attachments, cancellationToken);
        if (refusal is not null) return SendResult.Failed(refusal);

        try
        {
            string? firstId = null;
            foreach (var body in Bodies(delivery.ExternalClientId, message, files, tag))
            {
                var path = type == ChannelType.WhatsApp ? $"{settings.AccountId}/messages" : "me/messages";
                var answer = await graph.PostAsync(type, path, settings.AccessToken, body, cancellationToken);
                firstId ??= MessageId(answer);
            }

            return SendResult.Sent(firstId);
        }
        catch (MetaApiException ex)
        {
            return Explain(ex);
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Transient($"{name} could not be reached: {ex.Message}");
        }
    }

    private SendResult Explain(MetaApiException ex)
    {
        var name = ReplyWindow.Name(type);
        var said = $"{ex.Message} (code {ex.Code}{(ex.Subcode is { } s ? $"/{s}" : "")})";
        // Meta's own clock and ours can disagree by a little; its verdict on the window is final, in the same words.
        if (ex.Code == 10 || ex.Subcode is 2018278 or 2534022 || ex.Code == 131047)
        {
            return SendResult.Failed($"Not sent: {name} allows replies only within 24 hours of the client's last message. The client has to write again first. ({name}: {said})");
        }

        if (ex.Code is 4 or 17 or 32 or 613 or 130429 or 80006 || ex.Code is 1 or 2 || (int)ex.Status >= 500)
            return SendResult.Transient($"{name} asks to try later: {said}");
        if (ex.Code == 190)
            return SendResult.Failed($"{name} no longer accepts the channel's access token; reconnect the channel ({said}).");
        if (ex.Code == 551 || ex.Subcode == 2018001)
            return SendResult.Failed($"This person cannot receive messages from the account right now ({name}: {said}).");
        return SendResult.Failed($"{name} refused the message: {said}");
    }

    /// <summary>
    /// Meta downloads every file itself, so each goes as a public https link: our uploads as signed, expiring links on
    /// Parley:PublicBaseUrl. Without such an address the message is not sent, with a reason the manager can act on.
    /// </summary>
    private async Task<(List<Attachment> Files, string? Refusal)> PublicFilesAsync(Guid companyId, IReadOnlyList<Attachment> attachments, CancellationToken ct)
    {
        var name = ReplyWindow.Name(type);
        var files = new List<Attachment>();
        foreach (var attachment in attachments)
        {
            if (IsPublicUrl(attachment.Url))
            {
                files.Add(attachment);
                continue;
            }

            if (await uploads.FindByUrlAsync(companyId, attachment.Url, ct) is not { } upload)
                return ([], $"Files cannot be sent to {name} from Parley ('{attachment.FileName}'); send a link instead.");
            if (links.PublicLink(upload) is not { } link)
                return ([], $"Not sent: {name} fetches files from this server, which has no public https address ('{attachment.FileName}'). Ask your administrator to set Parley:PublicBaseUrl to the server's https address, then send the file again.");
            files.Add(attachment with { Url = link });
        }

        return (files, null);
    }

    private IEnumerable<JsonObject> Bodies(string to, Message message, List<Attachment> files, ReplyTag tag)
    {
        var texts = Split(message.Text, type == ChannelType.Instagram ? 1000 : type == ChannelType.Messenger ? 2000 : 4096);
        for (var i = 0; i < files.Count; i++) yield return File(to, files[i], tag);
        if (texts.Count == 0 && message.Buttons.Count > 0) texts.Add("…");
        for (var i = 0; i < texts.Count; i++)
            yield return type == ChannelType.WhatsApp
                ? WhatsAppText(to, texts[i], i == texts.Count - 1 ? message.Buttons : [])
                : Messaging(to, tag, new JsonObject
                {
                    ["text"] = texts[i],
                    ["quick_replies"] = i == texts.Count - 1 && message.Buttons.Count > 0
                        ? new JsonArray([.. message.Buttons.Take(13).Select(b => (JsonNode)new JsonObject
                        {
                            ["content_type"] = "text",
                            ["title"] = Cut(b.Label, 20),
                            ["payload"] = b.Payload,
                        })])
                        : null,
                });
    }

    private JsonObject Messaging(string to, ReplyTag tag, JsonObject message)
    {
        if (message["quick_replies"] is null) message.Remove("quick_replies");
        var body = new JsonObject { ["recipient"] = new JsonObject { ["id"] = to } };
        if (tag == ReplyTag.HumanAgent)
        {
            body["messaging_type"] = "MESSAGE_TAG";
            body["tag"] = "HUMAN_AGENT";
        }
        else if (type == ChannelType.Messenger)
        {
            body["messaging_type"] = "RESPONSE";
        }

        body["message"] = message;
        return body;
    }

    private static JsonObject WhatsAppText(string to, string text, List<MessageButton> buttons)
    {
        var body = new JsonObject { ["messaging_product"] = "whatsapp", ["recipient_type"] = "individual", ["to"] = to };
        if (buttons.Count == 0)
        {
            body["type"] = "text";
            body["text"] = new JsonObject { ["body"] = text };
        }
        else if (buttons.Count <= 3)
        {
            body["type"] = "interactive";
            body["interactive"] = new JsonObject
            {
                ["type"] = "button",
                ["body"] = new JsonObject { ["text"] = Cut(text, 1024) },
                ["action"] = new JsonObject
                {
                    ["buttons"] = new JsonArray([.. buttons.Select(b => (JsonNode)new JsonObject
                    {
                        ["type"] = "reply",
                        ["reply"] = new JsonObject { ["id"] = b.Payload, ["title"] = Cut(b.Label, 20) },
                    })]),
                },
            };
        }
        else
        {
            // More than three choices (the 1–5 rating): WhatsApp's list message.
            body["type"] = "interactive";
            body["interactive"] = new JsonObject
            {
                ["type"] = "list",
                ["body"] = new JsonObject { ["text"] = Cut(text, 1024) },
                ["action"] = new JsonObject
                {
                    ["button"] = Cut(buttons.All(b => ButtonPayloads.ParseRating(b.Payload) is not null) ? "⭐ 1–5" : "…", 20),
                    ["sections"] = new JsonArray(new JsonObject
                    {
                        ["rows"] = new JsonArray([.. buttons.Take(10).Select(b => (JsonNode)new JsonObject { ["id"] = b.Payload, ["title"] = Cut(b.Label, 24) })]),
                    }),
                },
            };
        }

        return body;
    }

    private JsonObject File(string to, Attachment file, ReplyTag tag)
    {
        var kind = file.ContentType.StartsWith("image/", StringComparison.Ordinal) ? "image" : type == ChannelType.WhatsApp ? "document" : "file";
        if (type == ChannelType.WhatsApp)
        {
            var media = new JsonObject { ["link"] = file.Url };
            if (kind == "document") media["filename"] = file.FileName;
            return new JsonObject { ["messaging_product"] = "whatsapp", ["recipient_type"] = "individual", ["to"] = to, ["type"] = kind, [kind] = media };
        }

        return Messaging(to, tag, new JsonObject
        {
            ["attachment"] = new JsonObject { ["type"] = kind, ["payload"] = new JsonObject { ["url"] = file.Url } },
        });
    }

    private static string? MessageId(JsonElement answer) =>
        answer.TryGetProperty("message_id", out var id) ? id.GetString()
        : answer.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0 && list[0].TryGetProperty("id", out var wa) ? wa.GetString()
        : null;

    private static bool IsPublicUrl(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Splits at the provider's limit; Instagram's is in UTF-8 bytes, so the limit is checked in bytes everywhere.</summary>
    internal static List<string> Split(string text, int maxBytes)
    {
        var parts = new List<string>();
        var rest = text.Trim();
        while (rest.Length > 0)
        {
            if (Encoding.UTF8.GetByteCount(rest) <= maxBytes)
            {
                parts.Add(rest);
                break;
            }

            var cut = 0;
            var bytes = 0;
            while (cut < rest.Length)
            {
                var step = char.IsHighSurrogate(rest[cut]) && cut + 1 < rest.Length ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(rest.AsSpan(cut, step));
                if (bytes + size > maxBytes) break;
                bytes += size;
                cut += step;
            }

            var space = rest.LastIndexOfAny([' ', '\n'], cut - 1);
            if (space > cut / 2) cut = space;
            parts.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }

        return parts;
    }
}
