using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Server.Infrastructure;

namespace Parley.Server.Channels.Api;

/// <summary>
/// <c>POST /api/v1/channels/{id}/inbound</c>: a customer's own system injects client messages and button answers,
/// authenticated by the channel secret in <c>X-Parley-Channel-Secret</c>.
/// </summary>
public static class ApiChannelInbound
{
    public const string SecretHeader = "X-Parley-Channel-Secret";

    public static RouteGroupBuilder MapApiChannelInbound(this RouteGroupBuilder api)
    {
        api.MapPost("/channels/{id:guid}/inbound", Receive).AllowAnonymous().WithTags("Channels")
            .WithSummary("API channel: a client message (text) or a button answer (buttonPayload). Idempotent by clientMessageId.");
        return api;
    }

    public sealed record InboundRequest(string? ClientId, string? Name, string? Language, string? Text, string? ClientMessageId, string? ButtonPayload, string? Username, string? PhotoUrl);

    private static async Task<IResult> Receive(Guid id, InboundRequest body, HttpContext http, ParleyDbContext db, ClientMessageService inbound, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Type == ChannelType.Api, ct);
        var given = http.Request.Headers[SecretHeader].ToString();
        if (channel is null || !Secrets.Same(given, channel.Secret))
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: $"Unknown channel or wrong {SecretHeader}.");
        if (!channel.IsEnabled)
            return TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: "This channel is disabled.");

        var v = new Validation().Required("clientId", body.ClientId, 200).MaxLength("name", body.Name, 200).MaxLength("clientMessageId", body.ClientMessageId, 100)
            .MaxLength("text", body.Text, Conversations.ConversationsApi.MaxTextLength).MaxLength("buttonPayload", body.ButtonPayload, 100)
            .Check(!string.IsNullOrWhiteSpace(body.Text) || !string.IsNullOrWhiteSpace(body.ButtonPayload), "text", "Send 'text', or 'buttonPayload' for a button answer.")
            .Check(body.Language is null || Languages.Normalize(body.Language) is not null, "language", "'language' must be a code such as uk or en.");
        if (!v.IsValid) return v.Problem();

        var result = await inbound.ReceiveAsync(channel, new InboundMessage(
            body.ClientId!.Trim(), body.Name?.Trim(), body.Username, body.Language, body.PhotoUrl, body.Text, body.ClientMessageId,
            ButtonPayload: string.IsNullOrWhiteSpace(body.ButtonPayload) ? null : body.ButtonPayload), ct);
        return TypedResults.Json(new { conversationId = result.ConversationId, messageId = result.MessageId, duplicate = result.Duplicate }, statusCode: 202);
    }

}
