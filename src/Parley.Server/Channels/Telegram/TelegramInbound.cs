using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Inbound;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Messages;
using Parley.Server.Channels.Inbound;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Channel = Parley.Domain.Channels.Channel;
using Message = Telegram.Bot.Types.Message;

namespace Parley.Server.Channels.Telegram;

/// <summary>
/// Ingests one stored Telegram update: a private message (text, photo, document, caption) becomes a client message
/// with the sender's name, username, language and profile photo; an inline button press becomes a button answer and
/// is answered with answerCallbackQuery so the client's button stops spinning.
/// </summary>
public sealed class TelegramInbound(
    TelegramClients clients, ClientMessageService inbound, ParleyDbContext db, FileStore files, ILogger<TelegramInbound> logger) : IInboundProcessor
{
    public static string DedupeKey(long updateId) => $"update:{updateId}";

    public bool Handles(ChannelType type) => type == ChannelType.Telegram;

    public async Task ProcessAsync(Channel channel, InboundReceipt receipt, CancellationToken ct)
    {
        var update = JsonSerializer.Deserialize<Update>(receipt.Payload, JsonBotAPI.Options)
            ?? throw new InvalidOperationException("The stored update is empty.");
        var bot = clients.For(channel);
        if (update.Message is { Chat.Type: ChatType.Private, From: { IsBot: false } from } message)
            await MessageAsync(channel, bot, message, from, ct);
        else if (update.CallbackQuery is { } query)
            await ButtonAsync(channel, bot, query, ct);
        // Anything else (groups, edits, reactions) is not a conversation with a client: acknowledged and left.
    }

    private async Task MessageAsync(Channel channel, ITelegramBotClient bot, Message message, User from, CancellationToken ct)
    {
        var externalId = from.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var attachments = new List<Attachment>();
        var notes = new List<string>();
        if (message.Photo is { Length: > 0 } sizes)
        {
            var largest = sizes.MaxBy(p => (long)p.Width * p.Height)!;
            await DownloadAsync(channel, bot, largest.FileId, largest.FileSize, $"photo-{message.Id}.jpg", "image/jpeg", attachments, notes, ct);
        }

        if (message.Document is { } document)
            await DownloadAsync(channel, bot, document.FileId, document.FileSize, document.FileName ?? $"file-{message.Id}", document.MimeType, attachments, notes, ct);

        var text = message.Text ?? message.Caption ?? "";
        if (notes.Count > 0) text = string.Join("\n", [.. notes, text]).Trim();
        if (text.Length == 0 && attachments.Count == 0) text = $"[{message.Type}: this kind of message is not shown in Parley yet]";

        await inbound.ReceiveAsync(channel, new InboundMessage(
            externalId,
            Name: string.Join(' ', new[] { from.FirstName, from.LastName }.Where(n => !string.IsNullOrWhiteSpace(n))),
            Username: from.Username,
            Language: from.LanguageCode,
            PhotoUrl: await ProfilePhotoAsync(channel, bot, from.Id, externalId, ct),
            Text: text,
            ClientMessageId: $"tg:{message.Chat.Id}:{message.Id}",
            ChannelMessageId: message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Attachments: attachments), ct);
    }

    private async Task ButtonAsync(Channel channel, ITelegramBotClient bot, CallbackQuery query, CancellationToken ct)
    {
        string? answer = null;
        try
        {
            if (query.Data is { Length: > 0 } payload)
            {
                var externalId = query.From.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await inbound.ReceiveAsync(channel, new InboundMessage(externalId, ButtonPayload: payload), ct);
            }
        }
        catch (RuleViolationException ex)
        {
            answer = ex.Message;
            throw;
        }
        finally
        {
            try
            {
                await bot.AnswerCallbackQuery(query.Id, answer, cancellationToken: ct);
            }
            catch (Exception ex) when (ex is global::Telegram.Bot.Exceptions.RequestException or HttpRequestException)
            {
                // Too old to answer (Telegram allows a short while): the press itself is already recorded.
                logger.LogInformation(ex, "answerCallbackQuery failed");
            }
        }
    }

    /// <summary>The client's current profile photo, copied once (when the client is new to this channel or has none).</summary>
    private async Task<string?> ProfilePhotoAsync(Channel channel, ITelegramBotClient bot, long userId, string externalId, CancellationToken ct)
    {
        var hasPhoto = await db.ClientIdentities.Where(i => i.ChannelId == channel.Id && i.ExternalId == externalId)
            .Join(db.Clients, i => i.ClientId, c => c.Id, (i, c) => c.PhotoUrl).AnyAsync(p => p != null, ct);
        if (hasPhoto) return null;
        try
        {
            var photos = await bot.GetUserProfilePhotos(userId, 0, 1, ct);
            if (photos.Photos is not [var first, ..] || first.Length == 0) return null;
            var largest = first.MaxBy(p => (long)p.Width * p.Height)!;
            var file = await bot.GetFile(largest.FileId, ct);
            if (file.FilePath is null) return null;
            using var content = new MemoryStream();
            await bot.DownloadFile(file.FilePath, content, ct);
            content.Position = 0;
            return (await files.SaveAsync(channel.CompanyId, $"avatar-{userId}.jpg", "image/jpeg", content, ct)).Url;
        }
        catch (Exception ex) when (ex is global::Telegram.Bot.Exceptions.RequestException or HttpRequestException or InvalidOperationException)
        {
            // A photo is nice to have; the message must not wait for it.
            if (logger.IsEnabled(LogLevel.Information)) logger.LogInformation(ex, "Telegram profile photo of {User} not fetched", userId);
            return null;
        }
    }

    private async Task DownloadAsync(Channel channel, ITelegramBotClient bot, string fileId, long? size, string name, string? contentType,
        List<Attachment> attachments, List<string> notes, CancellationToken ct)
    {
        if (size > FileStore.MaxBytes)
        {
            notes.Add($"[{name}: larger than 20 MB, Telegram does not give bots such files]");
            return;
        }

        // Errors propagate: the receipt is retried later rather than ingested without its file.
        var file = await bot.GetFile(fileId, ct);
        if (file.FilePath is null)
        {
            notes.Add($"[{name}: Telegram did not give the file]");
            return;
        }

        using var content = new MemoryStream();
        await bot.DownloadFile(file.FilePath, content, ct);
        content.Position = 0;
        attachments.Add(await files.SaveAsync(channel.CompanyId, name, contentType, content, ct));
    }
}
