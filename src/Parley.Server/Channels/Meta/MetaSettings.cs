using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Parley.Domain.Channels;

namespace Parley.Server.Channels.Meta;

/// <summary>
/// What an Instagram, Messenger or WhatsApp channel keeps in Channel.SettingsJson. AppSecret checks webhook signatures;
/// AccessToken sends (Instagram user token, Page token, WhatsApp system-user token); VerifyToken answers Meta's
/// subscription handshake. AccountId is the Instagram account, the Page, or the WhatsApp phone number id.
/// </summary>
public sealed record MetaSettings(string AppSecret, string AccessToken, string VerifyToken, string AccountId, string? AccountName, bool HumanAgent)
{
    public static MetaSettings Of(Channel channel) =>
        JsonSerializer.Deserialize<MetaSettings>(channel.SettingsJson, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException("The channel has no Meta settings.");

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    /// <summary>The "object" of this channel type's webhook deliveries.</summary>
    public static string WebhookObject(ChannelType type) => type switch
    {
        ChannelType.Instagram => "instagram",
        ChannelType.Messenger => "page",
        _ => "whatsapp_business_account",
    };
}

/// <summary>Installation-wide Meta settings (Parley:Meta); tests point both hosts at a fake Graph API.</summary>
public sealed class MetaOptions
{
    public string GraphBaseUrl { get; set; } = "https://graph.facebook.com";

    public string InstagramBaseUrl { get; set; } = "https://graph.instagram.com";

    public string GraphVersion { get; set; } = "v23.0";
}

/// <summary>An error envelope from the Graph API: {"error":{"message","type","code","error_subcode","fbtrace_id"}}.</summary>
public sealed class MetaApiException(HttpStatusCode status, int code, int? subcode, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public int Code { get; } = code;

    public int? Subcode { get; } = subcode;
}

/// <summary>A thin Graph API client: Bearer token, JSON in and out, Meta's error envelope turned into <see cref="MetaApiException"/>.</summary>
public sealed class MetaGraph(IHttpClientFactory http, IOptions<MetaOptions> options)
{
    public const string HttpClientName = "parley-meta";

    public string BaseFor(ChannelType type) =>
        $"{(type == ChannelType.Instagram ? options.Value.InstagramBaseUrl : options.Value.GraphBaseUrl).TrimEnd('/')}/{options.Value.GraphVersion}";

    public Task<JsonElement> GetAsync(ChannelType type, string path, string token, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{BaseFor(type)}/{path}"), token, ct);

    public Task<JsonElement> PostAsync(ChannelType type, string path, string token, JsonNode body, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{BaseFor(type)}/{path}")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, token, ct);

    /// <summary>Downloads a file (an attachment or profile photo URL Meta gave us).</summary>
    public async Task<(Stream Content, string? ContentType)> DownloadAsync(string url, string? token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var copy = new MemoryStream();
        await response.Content.CopyToAsync(copy, ct);
        copy.Position = 0;
        return (copy, response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonElement> SendAsync(HttpRequestMessage request, string token, CancellationToken ct)
    {
        using (request)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonElement body;
            try
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new HttpRequestException($"Meta answered {(int)response.StatusCode} without JSON.", null, response.StatusCode);
            }

            if (body.TryGetProperty("error", out var error))
            {
                throw new MetaApiException(response.StatusCode,
                    error.TryGetProperty("code", out var c) && c.TryGetInt32(out var code) ? code : 0,
                    error.TryGetProperty("error_subcode", out var s) && s.TryGetInt32(out var sub) ? sub : null,
                    error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "");
            }

            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Meta answered {(int)response.StatusCode}.", null, response.StatusCode);
            return body;
        }
    }
}
