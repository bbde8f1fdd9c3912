using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parley.Data.Outbox;
using Parley.Domain.Channels;
using Parley.Server.Channels.Widget;
using Parley.Server.Files;

namespace Parley.Server.Channels.Api;

/// <summary>
/// The API channel's outbound side: each message for the client is POSTed to the channel's webhook URL as JSON,
/// signed with <c>X-Parley-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c> using the channel secret.
/// </summary>
public sealed class ApiChannelSender(IHttpClientFactory httpClients, WidgetFiles uploads, FileLinks links) : IChannelSender
{
    public const string HttpClientName = "parley-webhooks";
    public const string SignatureHeader = "X-Parley-Signature";

    public ChannelType Type => ChannelType.Api;

    public async Task<SendResult> DeliverAsync(OutboundDelivery delivery, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(delivery.Channel.WebhookUrl))
            return SendResult.Failed("The API channel has no webhook URL.");

        var m = delivery.Message;
        var payload = new WebhookPayload(
            delivery.Kind switch { OutboxKind.Edit => "message.edited", OutboxKind.Delete => "message.deleted", _ => "message.created" },
            delivery.ConversationId, m.Id, delivery.ClientId, delivery.ExternalClientId, JsonNamingPolicy.CamelCase.ConvertName(m.AuthorKind.ToString()),
            delivery.Kind == OutboxKind.Delete ? "" : m.Text,
            m.SystemKind is { } kind ? JsonNamingPolicy.CamelCase.ConvertName(kind.ToString()) : null,
            [.. m.Buttons.Select(b => new WebhookButton(b.Label, b.Payload))],
            await AttachmentsAsync(delivery.Channel.CompanyId, m, cancellationToken),
            m.CreatedAt);
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, JsonSerializerOptions.Web);

        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Channel.WebhookUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(body, delivery.Channel.Secret));
        request.Headers.Add("X-Parley-Delivery", $"{m.Id}:{delivery.Kind}".ToLowerInvariant());

        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode) return SendResult.Sent();
        var error = $"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500;
        return retryable ? SendResult.Transient(error, response.Headers.RetryAfter?.Delta) : SendResult.Failed(error);
    }

    /// <summary>Our uploads go as signed, expiring links the integration can download without a member's token.</summary>
    private async Task<List<WebhookAttachment>> AttachmentsAsync(Guid companyId, Domain.Messages.Message m, CancellationToken ct)
    {
        var list = new List<WebhookAttachment>();
        foreach (var a in m.Attachments)
        {
            var url = await uploads.FindByUrlAsync(companyId, a.Url, ct) is { } upload ? links.Link(upload) : a.Url;
            list.Add(new WebhookAttachment(a.FileName, a.ContentType, a.Size, url));
        }

        return list;
    }

    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private sealed record WebhookPayload(
        string Event, Guid ConversationId, Guid MessageId, Guid ClientId, string? ExternalClientId, string AuthorKind, string Text,
        string? SystemKind, IReadOnlyList<WebhookButton> Buttons, IReadOnlyList<WebhookAttachment> Attachments, DateTime CreatedAt);

    private sealed record WebhookButton(string Label, string Payload);

    private sealed record WebhookAttachment(string FileName, string ContentType, long Size, string Url);
}
