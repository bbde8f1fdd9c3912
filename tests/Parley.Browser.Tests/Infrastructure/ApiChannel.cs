using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Browser.Tests.Infrastructure;

/// <summary>A customer's system on the API channel: creates the channel and writes as its clients.</summary>
public sealed record ApiChannel(string Id, string Secret)
{
    public static async Task<ApiChannel> CreateAsync(HttpClient owner, string webhookUrl, string name = "Shop integration")
    {
        var response = await owner.PostAsJsonAsync("/api/v1/channels", new { type = "api", name, webhookUrl });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new ApiChannel(body.GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    /// <summary>A client message (or a button answer); returns the conversation id.</summary>
    public async Task<string> ClientSaysAsync(HttpClient http, string clientId, string? text, string name = "Ivan", string language = "uk", string? buttonPayload = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/{Id}/inbound")
        {
            Content = JsonContent.Create(new { clientId, name, language, text, buttonPayload, clientMessageId = Guid.NewGuid().ToString() }),
        };
        request.Headers.Add("X-Parley-Channel-Secret", Secret);
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversationId").GetString()!;
    }
}
