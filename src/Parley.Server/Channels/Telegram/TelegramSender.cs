using System.Globalization;
using Parley.Data.Outbox;
using Parley.Domain.Channels;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using Parley.Server.Channels.Inbound;
using Parley.Server.Channels.Widget;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.ReplyMarkups;
using Message = Parley.Domain.Messages.Message;
using TgMessage = Telegram.Bot.Types.Message;

namespace Parley.Server.Channels.Telegram;

/// <summary>
/// Telegram's outbound side for the outbox: text (split at Telegram's 4096 characters), files, Yes/No and rating as
/// inline keyboards, edits and deletes of sent messages. Telegram's errors become delivery statuses a manager
/// understands: 429 waits retry_after, a blocked bot fails with that reason, the 48-hour limit says so.
/// </summary>
public sealed class TelegramSender(TelegramClients clients, FileStore files, WidgetFiles uploads) : IChannelSender
{
    public const int MaxText = 4096;

    public ChannelType Type => ChannelType.Telegram;

    public async Task<SendResult> DeliverAsync(OutboundDelivery delivery, CancellationToken cancellationToken)
    {
        if (!ChannelConnectors.IsConnected(delivery.Channel))
            return SendResult.Failed("The Telegram channel has no bot token; connect it again with the bot's token.");
        if (!long.TryParse(delivery.ExternalClientId, CultureInfo.InvariantCulture, out var chatId))
            return SendResult.Failed("The client has no Telegram chat to write to.");
        var bot = clients.For(delivery.Channel);
        var message = delivery.Message;
        try
        {
            return delivery.Kind switch
            {
                OutboxKind.Edit => await EditAsync(bot, chatId, message, cancellationToken),
                OutboxKind.Delete => await DeleteAsync(bot, chatId, message, cancellationToken),
                _ => await SendAsync(bot, chatId, delivery, cancellationToken),
            };
        }
        catch (ApiRequestException ex)
        {
            return Explain(ex, delivery.Kind);
        }
        catch (RequestException ex)
        {
            // No Telegram answer at all (network, 5xx page from a proxy): worth another try later.
            return SendResult.Transient($"Telegram could not be reached: {ex.Message}");
        }
    }

    private async Task<SendResult> SendAsync(ITelegramBotClient bot, long chatId, OutboundDelivery delivery, CancellationToken ct)
    {
        var message = delivery.Message;
        var keyboard = Keyboard(message.Buttons);
        string? firstId = null;
        var text = message.Text;

        foreach (var (attachment, index) in message.Attachments.Select((a, i) => (a, i)))
        {
            // The text rides as the caption of a single file when it fits, as Telegram clients show it.
            var caption = index == 0 && message.Attachments.Count == 1 && text.Length is > 0 and <= 1024 ? text : null;
            if (caption is not null) text = "";
            var sent = await SendFileAsync(bot, chatId, delivery.Channel.CompanyId, attachment, caption, text.Length == 0 && index == message.Attachments.Count - 1 ? keyboard : null, ct);
            firstId ??= sent.Id.ToString(CultureInfo.InvariantCulture);
        }

        var chunks = Split(text);
        for (var i = 0; i < chunks.Count; i++)
        {
            var sent = await bot.SendMessage(chatId, chunks[i], replyMarkup: i == chunks.Count - 1 ? keyboard : null, cancellationToken: ct);
            firstId ??= sent.Id.ToString(CultureInfo.InvariantCulture);
        }

        return SendResult.Sent(firstId);
    }

    private async Task<TgMessage> SendFileAsync(ITelegramBotClient bot, long chatId, Guid companyId, Attachment attachment, string? caption, InlineKeyboardMarkup? keyboard, CancellationToken ct)
    {
        var isPhoto = attachment.ContentType is "image/jpeg" or "image/png" or "image/webp";
        var upload = await uploads.FindByUrlAsync(companyId, attachment.Url, ct);
        var path = upload is null ? files.Find(companyId, attachment.Url) : null;
        if (upload is not null || path is not null)
        {
            // Our own copy goes as bytes: Telegram could not download it from us.
            await using var stream = upload is not null ? uploads.OpenRead(upload) : File.OpenRead(path!);
            var input = InputFile.FromStream(stream, attachment.FileName);
            return isPhoto
                ? await bot.SendPhoto(chatId, input, caption, replyMarkup: keyboard, cancellationToken: ct)
                : await bot.SendDocument(chatId, input, caption, replyMarkup: keyboard, cancellationToken: ct);
        }

        if (Uri.TryCreate(attachment.Url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
        {
            var input = InputFile.FromUri(uri);
            return isPhoto
                ? await bot.SendPhoto(chatId, input, caption, replyMarkup: keyboard, cancellationToken: ct)
                : await bot.SendDocument(chatId, input, caption, replyMarkup: keyboard, cancellationToken: ct);
        }

        throw new ApiRequestException($"The file '{attachment.FileName}' is not available to send.", 400);
    }

    private static async Task<SendResult> EditAsync(ITelegramBotClient bot, long chatId, Message message, CancellationToken ct)
    {
        if (!int.TryParse(message.ChannelMessageId, CultureInfo.InvariantCulture, out var id))
            return SendResult.Failed("The message never reached Telegram, so there is nothing to edit there.");
        if (Split(message.Text) is not [var text, ..]) return SendResult.Failed("Telegram cannot show an empty message; delete it instead.");
        try
        {
            await bot.EditMessageText(chatId, id, text, replyMarkup: Keyboard(message.Buttons), cancellationToken: ct);
        }
        catch (ApiRequestException ex) when (ex.Message.Contains("message is not modified", StringComparison.OrdinalIgnoreCase))
        {
            // The client already sees this text.
        }

        return SendResult.Sent();
    }

    private static async Task<SendResult> DeleteAsync(ITelegramBotClient bot, long chatId, Message message, CancellationToken ct)
    {
        if (!int.TryParse(message.ChannelMessageId, CultureInfo.InvariantCulture, out var id))
            return SendResult.Sent(); // never delivered: the client has nothing to see
        try
        {
            await bot.DeleteMessage(chatId, id, ct);
        }
        catch (ApiRequestException ex) when (ex.Message.Contains("message to delete not found", StringComparison.OrdinalIgnoreCase))
        {
            // Already gone on the client's side.
        }

        return SendResult.Sent();
    }

    private static SendResult Explain(ApiRequestException ex, OutboxKind kind)
    {
        var said = ex.Message;
        if (ex.ErrorCode == 429)
            return SendResult.Transient($"Telegram asks to slow down: {said}", TimeSpan.FromSeconds(Math.Max(1, ex.Parameters?.RetryAfter ?? 1)));
        if (ex.ErrorCode >= 500)
            return SendResult.Transient($"Telegram had a problem ({ex.ErrorCode}): {said}");
        if (ex.ErrorCode == 403 && said.Contains("blocked", StringComparison.OrdinalIgnoreCase))
            return SendResult.Failed($"The client blocked the bot, so Telegram does not deliver to them (Telegram: {said}).");
        if (ex.ErrorCode == 403)
            return SendResult.Failed($"Telegram does not let the bot write to this client (Telegram: {said}).");
        if (ex.ErrorCode is 401 or 404)
            return SendResult.Failed($"Telegram no longer accepts the bot token; reconnect the channel (Telegram: {said}).");
        if (kind == OutboxKind.Edit && said.Contains("can't be edited", StringComparison.OrdinalIgnoreCase))
            return SendResult.Failed($"Telegram no longer lets this message be edited; a bot may edit only within 48 hours (Telegram: {said}).");
        if (kind == OutboxKind.Delete && said.Contains("can't be deleted", StringComparison.OrdinalIgnoreCase))
            return SendResult.Failed($"Telegram lets a bot delete its messages only within 48 hours; the client still sees it (Telegram: {said}).");
        return SendResult.Failed($"Telegram refused the message ({ex.ErrorCode}): {said}");
    }

    /// <summary>Yes / No on one row, ratings 1–5 on one row; the callback data is the engine's button payload.</summary>
    internal static InlineKeyboardMarkup? Keyboard(IReadOnlyList<MessageButton> buttons)
    {
        if (buttons.Count == 0) return null;
        var rows = buttons.GroupBy(b => ButtonPayloads.ParseRating(b.Payload) is not null)
            .Select(g => g.Select(b => InlineKeyboardButton.WithCallbackData(b.Label, b.Payload)));
        return new InlineKeyboardMarkup(rows);
    }

    internal static List<string> Split(string text)
    {
        if (text.Length <= MaxText) return text.Length == 0 ? [] : [text];
        var parts = new List<string>();
        var rest = text.AsSpan();
        while (rest.Length > MaxText)
        {
            var cut = rest[..MaxText].LastIndexOfAny('\n', ' ');
            if (cut < MaxText / 2) cut = MaxText;
            if (char.IsHighSurrogate(rest[cut - 1])) cut--;
            parts.Add(rest[..cut].ToString());
            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0) parts.Add(rest.ToString());
        return parts;
    }
}
