using System.Security.Cryptography;
using System.Text.Json;
using Parley.Domain.Channels;
using Parley.Server.Channels.Inbound;
using Parley.Server.Infrastructure;

namespace Parley.Server.Channels.Meta;

/// <summary>
/// Connects Instagram, Facebook Messenger or WhatsApp: the access token is checked with the Graph API, and the answer
/// shows the callback URL and the verify token to paste into the Meta app's Webhooks settings.
/// </summary>
public sealed class MetaConnector(MetaGraph graph, PublicUrls urls) : IChannelConnector
{
    public bool Handles(ChannelType type) => type is ChannelType.Instagram or ChannelType.Messenger or ChannelType.WhatsApp;

    public static string WebhookPath(Channel channel) => $"/webhooks/meta/{channel.PublicToken}";

    public async Task ConnectAsync(Channel channel, ConnectRequest request, Validation errors, CancellationToken ct)
    {
        var type = channel.Type;
        errors.Required("accessToken", request.AccessToken, 1000).Required("appSecret", request.AppSecret, 200);
        if (type == ChannelType.WhatsApp)
            errors.Required("phoneNumberId", request.PhoneNumberId, 50).Check(request.PhoneNumberId is null || request.PhoneNumberId.Trim().All(char.IsAsciiDigit),
                "phoneNumberId", "'phoneNumberId' is the numeric Phone number ID from WhatsApp > API Setup, not the phone number itself.");
        if (!errors.IsValid) return;

        var token = request.AccessToken!.Trim();
        string accountId;
        string? accountName;
        try
        {
            if (type == ChannelType.WhatsApp)
            {
                accountId = request.PhoneNumberId!.Trim();
                var phone = await graph.GetAsync(type, $"{accountId}?fields=display_phone_number,verified_name", token, ct);
                accountName = Text(phone, "verified_name") is { } name ? $"{name} ({Text(phone, "display_phone_number")})" : Text(phone, "display_phone_number");
            }
            else if (type == ChannelType.Instagram)
            {
                var me = await graph.GetAsync(type, "me?fields=user_id,username", token, ct);
                accountId = Text(me, "user_id") ?? Text(me, "id") ?? "";
                accountName = Text(me, "username") is { } u ? "@" + u : null;
            }
            else
            {
                var page = await graph.GetAsync(type, "me?fields=id,name", token, ct);
                accountId = Text(page, "id") ?? "";
                accountName = Text(page, "name");
            }
        }
        catch (MetaApiException ex)
        {
            errors.Add("accessToken", $"Meta did not accept this access token ({ex.Code}: {ex.Message}).");
            return;
        }
        catch (HttpRequestException ex)
        {
            errors.Add("accessToken", $"Meta could not be reached to check the token: {ex.Message}");
            return;
        }

        var verifyToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        channel.SettingsJson = new MetaSettings(request.AppSecret!.Trim(), token, verifyToken, accountId, accountName, request.HumanAgent ?? false).ToJson();
    }

    public ChannelConnection Describe(Channel channel)
    {
        var s = MetaSettings.Of(channel);
        var url = urls.For(WebhookPath(channel));
        var shown = url ?? $"https://<your public address>{WebhookPath(channel)}";
        List<string> steps = channel.Type switch
        {
            ChannelType.WhatsApp =>
            [
                $"Meta app > WhatsApp > Configuration > Webhook: Callback URL {shown}, Verify token {s.VerifyToken}; press Verify and save.",
                "Subscribe the webhook field 'messages'.",
            ],
            ChannelType.Instagram =>
            [
                $"Meta app > Instagram > API setup with Instagram login > Configure webhooks: Callback URL {shown}, Verify token {s.VerifyToken}.",
                "Subscribe the field 'messages' (and 'messaging_postbacks'), and turn on the subscription for the account.",
            ],
            _ =>
            [
                $"Meta app > Messenger > Settings > Webhooks: Callback URL {shown}, Verify token {s.VerifyToken}.",
                "Add the Page's subscription with the fields 'messages', 'messaging_postbacks' and 'message_echoes'.",
            ],
        };
        if (url is null) steps.Insert(0, "Meta reaches only a public https address: set Parley:PublicBaseUrl first.");
        return new ChannelConnection(shown, s.VerifyToken, s.AccountName ?? s.AccountId, "webhook", channel.Type == ChannelType.WhatsApp ? null : s.HumanAgent, steps);
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;
}
