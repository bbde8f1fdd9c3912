using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Channels;
using Parley.Server.Channels.Inbound;

namespace Parley.Server.Channels.Meta;

/// <summary>
/// <c>/webhooks/meta/{publicToken}</c>: Meta's verification handshake (GET) and deliveries (POST). A delivery's
/// X-Hub-Signature-256 is checked over the exact bytes received; an unsigned or wrongly signed one is refused and
/// stores nothing. Each client event is stored as its own receipt, keyed by its message id; echoes of our own messages,
/// read and delivery receipts are left out.
/// </summary>
public static class MetaWebhook
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    private const int MaxBody = 1024 * 1024;

    public static IEndpointRouteBuilder MapMetaWebhook(this IEndpointRouteBuilder app)
    {
        app.MapGet("/webhooks/meta/{token}", Verify).AllowAnonymous().WithTags("Channels")
            .WithSummary("Meta webhook verification: answers hub.challenge when hub.verify_token matches the channel's verify token.");
        app.MapPost("/webhooks/meta/{token}", Receive).AllowAnonymous().WithTags("Channels")
            .WithSummary("Meta webhook deliveries (Instagram, Messenger, WhatsApp), signed with the app secret.");
        return app;
    }

    private static async Task<IResult> Verify(string token, HttpContext http, ParleyDbContext db, CancellationToken ct)
    {
        var channel = await FindAsync(db, token, ct);
        if (channel is null || !ChannelConnectors.IsConnected(channel)) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "No Meta channel at this address.");
        var q = http.Request.Query;
        var expected = MetaSettings.Of(channel).VerifyToken;
        if (q["hub.mode"] == "subscribe" && Secrets.Same(q["hub.verify_token"].ToString(), expected) && q["hub.challenge"].ToString() is { Length: > 0 } challenge)
            return TypedResults.Text(challenge, "text/plain");
        return TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: "hub.mode must be subscribe and hub.verify_token the channel's verify token.");
    }

    private static async Task<IResult> Receive(string token, HttpContext http, ParleyDbContext db, InboundReceipts receipts, CancellationToken ct)
    {
        var channel = await FindAsync(db, token, ct);
        if (channel is null || !ChannelConnectors.IsConnected(channel)) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "No Meta channel at this address.");

        var body = await ReadAsync(http.Request, ct);
        if (body is null) return TypedResults.Problem(statusCode: 413, title: "Too large", detail: "A delivery is at most 1 MB.");
        if (!SignatureValid(body, http.Request.Headers[SignatureHeader].ToString(), MetaSettings.Of(channel).AppSecret))
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: $"Missing or wrong {SignatureHeader}.");
        if (!channel.IsEnabled) return TypedResults.Ok();

        List<InboundReceipts.Item> items;
        try
        {
            using var doc = JsonDocument.Parse(body);
            items = Split(channel.Type, doc.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return TypedResults.Problem(statusCode: 400, title: "Invalid request", detail: "The body is not a Meta webhook delivery.");
        }

        if (items.Count > 0) await receipts.StoreAsync(channel, items, ct);
        return TypedResults.Text("EVENT_RECEIVED");
    }

    public static bool SignatureValid(byte[] body, string header, string appSecret)
    {
        const string prefix = "sha256=";
        if (!header.StartsWith(prefix, StringComparison.Ordinal)) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>One receipt per client event: {"kind","event",...} with the event's JSON as Meta sent it.</summary>
    internal static List<InboundReceipts.Item> Split(ChannelType type, JsonElement root)
    {
        var items = new List<InboundReceipts.Item>();
        if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array) return items;
        foreach (var entry in entries.EnumerateArray())
        {
            if (type == ChannelType.WhatsApp)
            {
                if (!entry.TryGetProperty("changes", out var changes)) continue;
                foreach (var change in changes.EnumerateArray())
                {
                    if (!change.TryGetProperty("value", out var value)) continue;
                    var contacts = value.TryGetProperty("contacts", out var c) ? JsonNode.Parse(c.GetRawText()) : null;
                    if (value.TryGetProperty("messages", out var messages))
                        foreach (var m in messages.EnumerateArray())
                            items.Add(new($"wamid:{m.GetProperty("id").GetString()}", new JsonObject
                            {
                                ["kind"] = "message",
                                ["contacts"] = contacts?.DeepClone(),
                                ["event"] = JsonNode.Parse(m.GetRawText()),
                            }.ToJsonString()));
                    if (value.TryGetProperty("statuses", out var statuses))
                        foreach (var s in statuses.EnumerateArray())
                            items.Add(new($"status:{s.GetProperty("id").GetString()}:{s.GetProperty("status").GetString()}",
                                new JsonObject { ["kind"] = "status", ["event"] = JsonNode.Parse(s.GetRawText()) }.ToJsonString()));
                }

                continue;
            }

            if (!entry.TryGetProperty("messaging", out var messaging)) continue;
            foreach (var e in messaging.EnumerateArray())
            {
                string? mid = null;
                if (e.TryGetProperty("message", out var message))
                {
                    if (message.TryGetProperty("is_echo", out var echo) && echo.ValueKind == JsonValueKind.True) continue;
                    if (message.TryGetProperty("is_deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True) continue;
                    mid = message.TryGetProperty("mid", out var m) ? m.GetString() : null;
                }
                else if (e.TryGetProperty("postback", out var postback))
                {
                    mid = postback.TryGetProperty("mid", out var m) ? m.GetString() : null;
                    mid ??= $"postback:{e.GetProperty("sender").GetProperty("id").GetString()}:{e.GetProperty("timestamp").GetRawText()}";
                }

                if (mid is null) continue; // reads, deliveries, reactions, edits: nothing for the conversation
                items.Add(new($"mid:{mid}", new JsonObject { ["kind"] = "messaging", ["event"] = JsonNode.Parse(e.GetRawText()) }.ToJsonString()));
            }
        }

        return items;
    }

    private static Task<Channel?> FindAsync(ParleyDbContext db, string token, CancellationToken ct) =>
        db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.PublicToken == token
            && (c.Type == ChannelType.Instagram || c.Type == ChannelType.Messenger || c.Type == ChannelType.WhatsApp), ct);

    private static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody) return null;
        }

        return buffer.ToArray();
    }

}
