using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Server.Channels.Inbound;

namespace Parley.Server.Channels.Telegram;

/// <summary>
/// <c>POST /webhooks/telegram/{publicToken}</c>: Telegram's deliveries. The secret token header is checked (the library
/// does not), the update stored verbatim, 200 answered; the InboundWorker ingests it. A repeat of an update_id is
/// answered 200 and not stored again.
/// </summary>
public static class TelegramWebhook
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";
    private const int MaxBody = 1024 * 1024;

    public static IEndpointRouteBuilder MapTelegramWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/telegram/{token}", Receive).AllowAnonymous().WithTags("Channels")
            .WithSummary("Telegram Bot API webhook (set automatically when the channel is connected).");
        return app;
    }

    private static async Task<IResult> Receive(string token, HttpContext http, ParleyDbContext db, InboundReceipts receipts, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.PublicToken == token && c.Type == ChannelType.Telegram, ct);
        if (channel is null || !ChannelConnectors.IsConnected(channel)) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "No Telegram channel at this address.");
        var settings = TelegramSettings.Of(channel);
        if (!Secrets.Same(http.Request.Headers[SecretHeader].ToString(), settings.WebhookSecret))
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: $"Missing or wrong {SecretHeader}.");
        // A disabled channel takes nothing in; 200 so that Telegram does not keep retrying.
        if (!channel.IsEnabled) return TypedResults.Ok();

        var raw = await ReadBodyAsync(http.Request, ct);
        if (raw is null) return TypedResults.Problem(statusCode: 413, title: "Too large", detail: "An update is at most 1 MB.");
        long updateId;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (!doc.RootElement.TryGetProperty("update_id", out var id) || !id.TryGetInt64(out updateId))
                return TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: "An update needs a numeric update_id.");
        }
        catch (JsonException)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: "The body is not JSON.");
        }

        await receipts.StoreAsync(channel, [new InboundReceipts.Item(TelegramInbound.DedupeKey(updateId), raw)], ct);
        return TypedResults.Ok();
    }

    internal static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody) return null;
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

}
